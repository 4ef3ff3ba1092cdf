// A file's entry: its kind, its module and the facts its participants read from its text.
// Made here, in the ide layer, because the participants do the reading; the model only holds
// the result.
#pragma once

#include "mil/model/model.hpp"

#include <exception>
#include <memory>
#include <string>
#include <string_view>

namespace mil {

class Participant;

// Parse `text` with the participants of the file's kind and return the entry.
std::shared_ptr<const FileEntry> make_entry(std::string path,
                                            std::shared_ptr<const std::string> text);
std::shared_ptr<const FileEntry> make_entry(std::string path, std::string text);
// The same for a file the indexer read from disk: the entry keeps no text when
// text_unused() (an editor's open document goes through make_entry and keeps its text).
std::shared_ptr<const FileEntry> make_disk_entry(std::string path, std::string text);

// Where a participant's failure on a file goes: the participant's name, the file and what
// failed. The server logs it; without a sink (the default) the failure is only counted. A
// failing participant never takes the others, the file or the caller down.
using ParticipantFailureSink = void (*)(std::string_view participant, std::string_view path,
                                        std::string_view what);
void set_participant_failure_sink(ParticipantFailureSink sink);
// Report the exception being handled (call from a catch block).
void report_participant_failure(const Participant& p, std::string_view path);
// How many failures were reported since the process started.
std::size_t participant_failures();

} // namespace mil
