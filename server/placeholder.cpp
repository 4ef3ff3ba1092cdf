namespace mil { void server_placeholder() {} }
