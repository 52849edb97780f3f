// GeoJSON (RFC 7946): a FeatureCollection streamed feature by feature. The first geometry or
// geography column is each Feature's geometry, every other column a property. RFC 7946 has no
// "crs"; when the geometries are not in WGS 84 a top-level "crs" member (which GDAL and QGIS
// honour) follows the features, since only then is the SRID known.
#include <charconv>

#include "export/json_rows.hpp"

namespace exports {
namespace {

constexpr std::uint32_t kWgs84 = 4326;
constexpr std::size_t kNoGeometry = JsonKeys::kNone;

fam::Failure no_geometry_column(std::span<const Column> columns, const values::Catalog& catalog) {
  std::string message = "GeoJSON needs a geometry or geography column, and the query returns none (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i != 0) message.append(", ");
    message.append(columns[i].name).append(" ").append(catalog.display_name(columns[i].type));
  }
  message.append(
      "); select a PostGIS geometry or geography, e.g. ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom, "
      "or export as csv, xlsx or jsonl instead");
  return fam::Failure{fam::FailureKind::kInvalid, std::move(message), ""};
}

std::string srid_text(std::uint32_t srid) {
  char digits[16];
  return std::string(digits, std::to_chars(digits, digits + sizeof digits, srid).ptr);
}

class GeoJsonWriter final : public Writer {
 public:
  GeoJsonWriter(std::unique_ptr<OutputFile> out, const values::Catalog& catalog)
      : out_(std::move(out)), catalog_(catalog) {}

  std::optional<fam::Failure> begin(std::span<const Column> columns) override {
    if (begun_) {
      if (auto failure = out_->restart()) return failure;
    }
    begun_ = true;
    geometry_ = kNoGeometry;
    for (std::size_t i = 0; i < columns.size() && geometry_ == kNoGeometry; ++i) {
      if (values::family(columns[i].type, catalog_) == values::Family::kGeometry) geometry_ = i;
    }
    if (geometry_ == kNoGeometry) return no_geometry_column(columns, catalog_);
    keys_ = JsonKeys(columns);
    geometry_name_ = quoted_column(columns[geometry_].name);
    srid_.reset();
    features_ = 0;
    notes_.clear();
    return out_->write(R"({"type":"FeatureCollection","features":[)");
  }

  std::optional<fam::Failure> row(Row values) override {
    if (geometry_ == kNoGeometry) return not_begun();
    line_.assign(features_++ == 0 ? "\n" : ",\n");
    line_.append(R"({"type":"Feature","geometry":)");
    if (geometry_ < values.size() && values[geometry_]) {
      append_geometry(*values[geometry_]);
    } else {
      line_.append("null");
    }
    line_.append(R"(,"properties":)");
    append_object(line_, keys_, values, catalog_, geometry_);
    line_.push_back('}');
    return out_->write(line_);
  }

  fam::Result<std::uint64_t> finish() override {
    if (geometry_ == kNoGeometry) return not_begun();
    line_.assign("\n]");
    if (srid_ && *srid_ != kWgs84 && *srid_ != 0) {
      line_.append(R"(,"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::)");
      line_.append(srid_text(*srid_)).append(R"("}})");
    }
    line_.append("}\n");
    if (auto failure = out_->write(line_)) return *failure;
    return out_->finish();
  }

  std::vector<std::string> notes() const override { return notes_.all(); }

 private:
  static fam::Failure not_begun() {
    return fam::Failure{fam::FailureKind::kInternal,
                        "GeoJSON writer used without a successful begin(); report this as a bug", ""};
  }

  void append_geometry(std::string_view hex) {
    if (!values::append_geojson_geometry(line_, hex)) {
      line_.append("null");
      notes_.add("a value of " + geometry_name_ + " is not PostGIS EWKB and was written as a null geometry");
      return;
    }
    const std::uint32_t srid = values::ewkb_srid(hex).value_or(0);
    if (!srid_) {
      srid_ = srid;
      note_srid(srid);
    } else if (*srid_ != srid) {
      notes_.add("geometries come in more than one SRID (" + srid_text(*srid_) + ", " + srid_text(srid) +
                 ") but GeoJSON holds one; the file says SRID " + srid_text(*srid_) +
                 "; use ST_Transform(geom, 4326) in the query so that all agree");
    }
  }

  void note_srid(std::uint32_t srid) {
    if (srid == kWgs84) return;
    if (srid == 0) {
      notes_.add(
          "geometries have no SRID; GeoJSON readers take them as WGS 84 longitude/latitude; "
          "use ST_SetSRID(geom, <srid>) and ST_Transform(geom, 4326) if they are not");
      return;
    }
    notes_.add("geometries are in SRID " + srid_text(srid) +
               ", named in the file's \"crs\" member (GDAL and QGIS read it); RFC 7946 expects WGS 84, "
               "so for strict readers use ST_Transform(geom, 4326) in the query");
  }

  std::unique_ptr<OutputFile> out_;
  const values::Catalog& catalog_;
  JsonKeys keys_;
  std::size_t geometry_ = kNoGeometry;
  std::string geometry_name_;
  std::optional<std::uint32_t> srid_;  // of the first geometry
  std::uint64_t features_ = 0;
  std::string line_;  // one feature, reused
  Notes notes_;
  bool begun_ = false;
};

}  // namespace

fam::Result<std::unique_ptr<Writer>> open_geojson(const std::filesystem::path& path,
                                                  const values::Catalog& catalog) {
  return open_buffered<GeoJsonWriter>(path, catalog);
}

}  // namespace exports
