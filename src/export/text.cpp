// Values as plain text, for CSV fields and spreadsheet strings.
#include "export/writers.hpp"

namespace exports {

void append_text(std::string& out, std::string_view text, values::Oid type, values::Family family,
                 const values::Catalog& catalog) {
  using values::Family;
  switch (family) {
    case Family::kBool:
      out.append(text == "t" ? "true" : text == "f" ? "false" : text);
      return;
    case Family::kTimestamptz:
      if (values::append_iso_timestamptz(out, text)) return;
      break;
    case Family::kTimestamp:
      if (values::append_iso_timestamp(out, text)) return;
      break;
    case Family::kGeometry:
      if (values::append_wkt(out, text)) return;
      break;
    case Family::kArray: {
      const std::size_t mark = out.size();
      values::append_json(out, text, type, catalog);
      if (out[mark] != '"') return;  // a JSON array; a string means the literal was not understood
      out.resize(mark);
      break;
    }
    default:
      break;
  }
  values::append_valid_utf8(out, text);
}

std::string quoted_column(std::string_view name) {
  std::string out = "column ";
  values::append_json_string(out, name);
  return out;
}

}  // namespace exports
