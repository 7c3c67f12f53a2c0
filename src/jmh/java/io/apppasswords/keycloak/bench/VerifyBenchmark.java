package io.apppasswords.keycloak.bench;

import io.apppasswords.keycloak.credential.AppPasswordCredentialModel;
import io.apppasswords.keycloak.lifecycle.AppPasswordCredentialProvider;
import io.apppasswords.keycloak.credential.AppPasswordSecret;
import org.keycloak.credential.CredentialModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What one app-password login costs the extension in CPU, for a user holding 1, 20 or 100 app passwords:
 * normalising the typed value, one SHA-256 and a constant-time compare with every stored digest
 * ({@link AppPasswordCredentialProvider#match}). {@link #parseEveryCredential} is what reading each
 * credential in full (its metadata JSON too) would add per login, which {@code match} avoids.
 *
 * <p>Run with {@code ./mvnw -B -Pjmh verify}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VerifyBenchmark {

    @Param({"1", "20", "100"})
    public int stored;

    private List<CredentialModel> credentials;
    private String typed;
    private String wrong;

    @Setup
    public void setUp() {
        credentials = new ArrayList<>();
        String last = null;
        for (int i = 0; i < stored; i++) {
            last = AppPasswordSecret.generate();
            credentials.add(AppPasswordCredentialModel.create("Mail " + i, last, 0L, null, List.of("mail-server")));
        }
        // As a mail client sends it: upper case, grouped; the newest app password, so the last one compared.
        typed = last.toUpperCase();
        wrong = AppPasswordSecret.generate();
        if (AppPasswordCredentialProvider.match(credentials, typed).isEmpty()) {
            throw new IllegalStateException("benchmark set-up: the typed app password does not match");
        }
    }

    @Benchmark
    public Optional<CredentialModel> match() {
        return AppPasswordCredentialProvider.match(credentials, typed);
    }

    @Benchmark
    public Optional<CredentialModel> miss() {
        return AppPasswordCredentialProvider.match(credentials, wrong);
    }

    @Benchmark
    public void parseEveryCredential(Blackhole hole) {
        for (CredentialModel c : credentials) {
            hole.consume(AppPasswordCredentialModel.from(c));
        }
    }
}
