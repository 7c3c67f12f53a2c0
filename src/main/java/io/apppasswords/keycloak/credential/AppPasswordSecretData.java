package io.apppasswords.keycloak.credential;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The credential's {@code secretData}: the digest of the app password, never the value. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class AppPasswordSecretData {

    private String digest;

    public AppPasswordSecretData() {
    }

    public AppPasswordSecretData(String digest) {
        this.digest = digest;
    }

    /** Base64 of the SHA-256 digest of the normalised secret. */
    public String getDigest() {
        return digest;
    }

    public void setDigest(String digest) {
        this.digest = digest;
    }
}
