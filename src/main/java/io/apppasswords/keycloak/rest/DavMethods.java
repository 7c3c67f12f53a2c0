package io.apppasswords.keycloak.rest;

import jakarta.ws.rs.HttpMethod;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The request methods of WebDAV (RFC 4918), CalDAV (RFC 4791), WebDAV ACL and SEARCH that JAX-RS has no
 * annotation for: a proxy whose forward-auth request keeps the device's method (Traefik and Caddy can be set
 * up so) sends them to {@link ForwardAuthResource}.
 */
final class DavMethods {

    private DavMethods() {
    }

    @Target(ElementType.METHOD) @Retention(RetentionPolicy.RUNTIME) @HttpMethod("PROPFIND")
    @interface PROPFIND {
    }

    @Target(ElementType.METHOD) @Retention(RetentionPolicy.RUNTIME) @HttpMethod("PROPPATCH")
    @interface PROPPATCH {
    }

    @Target(ElementType.METHOD) @Retention(RetentionPolicy.RUNTIME) @HttpMethod("MKCOL")
    @interface MKCOL {
    }

    @Target(ElementType.METHOD) @Retention(RetentionPolicy.RUNTIME) @HttpMethod("MKCALENDAR")
    @interface MKCALENDAR {
    }

    @Target(ElementType.METHOD) @Retention(RetentionPolicy.RUNTIME) @HttpMethod("COPY")
    @interface COPY {
    }

    @Target(ElementType.METHOD) @Retention(RetentionPolicy.RUNTIME) @HttpMethod("MOVE")
    @interface MOVE {
    }

    @Target(ElementType.METHOD) @Retention(RetentionPolicy.RUNTIME) @HttpMethod("LOCK")
    @interface LOCK {
    }

    @Target(ElementType.METHOD) @Retention(RetentionPolicy.RUNTIME) @HttpMethod("UNLOCK")
    @interface UNLOCK {
    }

    @Target(ElementType.METHOD) @Retention(RetentionPolicy.RUNTIME) @HttpMethod("REPORT")
    @interface REPORT {
    }

    @Target(ElementType.METHOD) @Retention(RetentionPolicy.RUNTIME) @HttpMethod("ACL")
    @interface ACL {
    }

    @Target(ElementType.METHOD) @Retention(RetentionPolicy.RUNTIME) @HttpMethod("SEARCH")
    @interface SEARCH {
    }
}
