// The translation unit that the tests' precompiled header (pch.hpp) is built for.
