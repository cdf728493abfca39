package org.hubdns.geo;

import java.util.List;
import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;

/**
 * The few fields of a City record that steering uses. Decoding into these instead of geoip2's
 * CityResponse skips every other field and language, and the reader's node cache keeps one
 * decoded instance per data record, so a repeated lookup allocates almost nothing. The records
 * are public only because maxmind-db instantiates them reflectively from another module.
 */
final class CityData {
    private CityData() {
    }

    public record Record(Location location, Country country, List<Subdivision> subdivisions, City city) {
        @MaxMindDbConstructor
        public Record(
                @MaxMindDbParameter(name = "location") Location location,
                @MaxMindDbParameter(name = "country") Country country,
                @MaxMindDbParameter(name = "subdivisions") List<Subdivision> subdivisions,
                @MaxMindDbParameter(name = "city") City city) {
            this.location = location;
            this.country = country;
            this.subdivisions = subdivisions;
            this.city = city;
        }
    }

    // Boxed: a network may have a country but no coordinates, and a primitive cannot say "absent".
    public record Location(Double latitude, Double longitude, Integer accuracyRadius) {
        @MaxMindDbConstructor
        public Location(
                @MaxMindDbParameter(name = "latitude") Double latitude,
                @MaxMindDbParameter(name = "longitude") Double longitude,
                @MaxMindDbParameter(name = "accuracy_radius") Integer accuracyRadius) {
            this.latitude = latitude;
            this.longitude = longitude;
            this.accuracyRadius = accuracyRadius;
        }
    }

    public record Country(String isoCode) {
        @MaxMindDbConstructor
        public Country(@MaxMindDbParameter(name = "iso_code") String isoCode) {
            this.isoCode = isoCode;
        }
    }

    public record Subdivision(String isoCode) {
        @MaxMindDbConstructor
        public Subdivision(@MaxMindDbParameter(name = "iso_code") String isoCode) {
            this.isoCode = isoCode;
        }
    }

    public record City(Names names) {
        @MaxMindDbConstructor
        public City(@MaxMindDbParameter(name = "names") Names names) {
            this.names = names;
        }
    }

    // Only English: decoding the whole names map would build a HashMap of eight languages per record.
    public record Names(String en) {
        @MaxMindDbConstructor
        public Names(@MaxMindDbParameter(name = "en") String en) {
            this.en = en;
        }
    }
}
