package io.apppasswords.keycloak.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.apppasswords.keycloak.it.Commands;
import io.apppasswords.keycloak.it.Json;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs wrk with one of the {@code bench/*.lua} scripts and reads the {@code BENCH {json}} line their done() prints. */
final class Wrk {

    private Wrk() {
    }

    record Measurement(long requests, long durationMicros, long non2xx, long socketErrors, long p50Micros,
                       long p99Micros) {
        /** Successful requests per second. */
        double perSecond() {
            return (requests - non2xx - socketErrors) * 1e6 / durationMicros;
        }

        double p50Ms() {
            return p50Micros / 1000.0;
        }

        double p99Ms() {
            return p99Micros / 1000.0;
        }
    }

    /** Runs {@code command}, a wrk command line whose {@code -d} is at most {@code seconds}. */
    static Measurement run(List<String> command, int seconds) {
        String out = Commands.check(command, null, Map.of(), null, Duration.ofSeconds(seconds + 60L));
        for (String line : out.split("\n")) {
            if (line.startsWith("BENCH ")) {
                JsonNode j = Json.read(line.substring(6));
                return new Measurement(j.path("requests").asLong(), j.path("duration_us").asLong(),
                        j.path("non2xx").asLong(), j.path("socket_errors").asLong(), j.path("p50_us").asLong(),
                        j.path("p99_us").asLong());
            }
        }
        throw new IllegalStateException("no BENCH line from wrk:\n" + out);
    }
}
