package io.github.rediskube.core.spec;

/**
 * Prometheus metrics: a {@code redis_exporter} sidecar in every Redis and Sentinel pod, a named {@code metrics}
 * port on the pods and on the Services fronting them, and, when asked, a Prometheus Operator
 * {@code ServiceMonitor}.
 *
 * <pre>{@code
 * RedisReplicationSpec spec = RedisKube.replication("orders")
 *     .metrics(m -> m.serviceMonitor(true))
 *     .build();
 * }</pre>
 *
 * @param image          the exporter's image; default {@value #DEFAULT_IMAGE}
 * @param port           the port the exporter listens on ({@value #MIN_PORT} to {@value #MAX_PORT}, not Redis'
 *                       or Sentinel's); default {@value #DEFAULT_PORT}
 * @param serviceMonitor whether to render a {@code monitoring.coreos.com/v1} ServiceMonitor (its CRD must exist)
 */
public record Metrics(String image, int port, boolean serviceMonitor) {

    /**
     * The pinned default exporter image. v1.67.0 (January 2025) is a current 1.x release: it reads Redis 7's
     * {@code INFO} replication fields and runs as a non-root user from a scratch image; pinned so a render is
     * reproducible, overridable with {@code image(..)}.
     */
    public static final String DEFAULT_IMAGE = "docker.io/oliver006/redis_exporter:v1.67.0";
    /** The exporter's own default port. */
    public static final int DEFAULT_PORT = 9121;
    /** Lowest port: unprivileged, as the restricted profile drops every capability. */
    public static final int MIN_PORT = 1024;
    /** Highest port. */
    public static final int MAX_PORT = 65535;
    /** Defaults: {@value #DEFAULT_IMAGE} on port {@value #DEFAULT_PORT}, no ServiceMonitor. */
    public static final Metrics DEFAULT = builder().build();

    /** @return a builder with every default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this value's fields */
    public Builder toBuilder() {
        return new Builder().image(image).port(port).serviceMonitor(serviceMonitor);
    }

    void check(Checks checks) {
        ImageReferences.check(checks, "metrics.image", image, "image(\"" + DEFAULT_IMAGE + "\")");
        checks.require(port >= MIN_PORT && port <= MAX_PORT, "metrics.port", port,
                "must be between " + MIN_PORT + " and " + MAX_PORT + " (unprivileged: the sidecar has no capabilities)",
                "use port(" + DEFAULT_PORT + ")");
        checks.require(port != ResourceNames.REDIS_PORT && port != SentinelSpec.SENTINEL_PORT, "metrics.port", port,
                "must differ from Redis' port " + ResourceNames.REDIS_PORT + " and Sentinel's " + SentinelSpec.SENTINEL_PORT
                        + " (the sidecar shares the pod's network)",
                "use port(" + DEFAULT_PORT + ")");
    }

    /** Builds {@link Metrics}; validated with the spec. */
    public static final class Builder {
        private String image = DEFAULT_IMAGE;
        private int port = DEFAULT_PORT;
        private boolean serviceMonitor;

        private Builder() {
        }

        /**
         * @param reference the exporter image; default {@value #DEFAULT_IMAGE}
         * @return this builder
         */
        public Builder image(String reference) {
            this.image = reference;
            return this;
        }

        /**
         * @param value the exporter's port; default {@value #DEFAULT_PORT}
         * @return this builder
         */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /**
         * @param value whether to render a Prometheus Operator ServiceMonitor; default off
         * @return this builder
         */
        public Builder serviceMonitor(boolean value) {
            this.serviceMonitor = value;
            return this;
        }

        /** @return the settings (checked when the spec is built) */
        public Metrics build() {
            return new Metrics(image, port, serviceMonitor);
        }
    }
}
