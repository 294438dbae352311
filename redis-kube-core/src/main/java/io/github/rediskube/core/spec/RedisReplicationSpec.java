package io.github.rediskube.core.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * A Redis master/replica deployment: one master pod, {@code replicas} replica pods that follow it by
 * its stable DNS name, Services for writes and reads. Immutable and validated when built (the builder is the only
 * way to a spec); rendering it is pure (same spec, byte-identical manifests).
 *
 * <pre>{@code
 * RedisReplicationSpec spec = RedisKube.replication("orders")
 *     .namespace("tenant-a")
 *     .replicas(2)
 *     .master(n -> n.memoryLimit("4096M"))
 *     .exposeNodePorts(32379, 32380)
 *     .build();
 * List<HasMetadata> objects = RedisKube.manifests(spec);
 * String yaml = RedisKube.toYaml(spec);
 * }</pre>
 *
 * <p>The settings are grouped in parts, each a record that validates itself ({@code check(Checks)}, messages
 * "&lt;field&gt; &lt;rule&gt;, was &lt;value&gt;: &lt;fix&gt;"): the extra labels and annotations, the
 * {@link Image}, the sizing (replicas, resources, {@code maxmemory}), the persistence (mode, eviction policy,
 * {@link Storage}), the access ({@link Exposure}, {@link Auth}, {@link NetworkAccess}), the extra
 * {@code redis.conf} directives, the {@link Scheduling} and the {@link SentinelSpec}. The rules that relate two
 * parts (what Sentinel asks of the replicas, the pods' sizes and the directives) are in one place,
 * {@code SpecChecks}. The accessors below read the parts; equality is the parts' equality, and {@link #toString()}
 * never shows the password.
 *
 * <p><b>Adding a setting</b> (in this package):
 * <ol>
 *   <li>a component of the part it belongs to, with its rule in that part's {@code check(Checks)};</li>
 *   <li>an accessor here that reads it from the part;</li>
 *   <li>a field in {@code SpecSettings} (the builder's state) given to the part where {@code SpecSettings} makes
 *       it, and one line in its copying constructor so that {@link #toBuilder()} keeps it;</li>
 *   <li>a setter in {@code SpecBuilder} (the builder's setters);</li>
 *   <li>only if it constrains another part: that rule in {@code SpecChecks}.</li>
 * </ol>
 * <p>A feature with settings of its own gets a part of its own instead: a record with a builder and a
 * {@code check(Checks)}, as {@link SentinelSpec}; here a field set in the constructor, its accessor and an entry in
 * {@code parts()} (equality and {@link #toString()}); a {@code check} call in {@code SpecChecks.validate}; in
 * {@code SpecSettings} one field and one copy line; in {@code SpecBuilder} a setter taking the part's builder, as
 * {@code sentinel(s -> ..)}.
 */
public final class RedisReplicationSpec {

    /** Longest name: leaves room for suffixes such as {@code -replica-31} and the revision label. */
    public static final int MAX_NAME_LENGTH = 40;
    /** Most replicas one master feeds. */
    public static final int MAX_REPLICAS = 32;
    /** Replicas when none is set. */
    public static final int DEFAULT_REPLICAS = 2;
    /** Share of the memory limit given to {@code maxmemory} when none is set. */
    public static final double DEFAULT_MAXMEMORY_SHARE = 0.75;
    /** Namespace when none is set. */
    public static final String DEFAULT_NAMESPACE = "default";
    /** Cluster DNS domain when none is set. */
    public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

    private final String name;
    private final String namespace;
    private final String clusterDomain;
    private final ExtraMetadata extraMetadata;
    private final Image image;
    private final Sizing sizing;
    private final Persistence persistence;
    private final Access access;
    private final ExtraConfig extraConfig;
    private final Scheduling scheduling;
    private final boolean podDisruptionBudget;
    private final @Nullable SentinelSpec sentinel;
    private final @Nullable Metrics metrics;
    private final @Nullable Placement placement;

    /** Resolves the builder's settings into the parts and validates them all (all problems in one exception). */
    private RedisReplicationSpec(Builder builder) {
        SpecSettings settings = builder.settings;
        this.name = settings.name;
        this.namespace = settings.namespace;
        this.clusterDomain = settings.clusterDomain;
        this.extraMetadata = settings.extraMetadata();
        this.image = settings.image;
        this.sizing = settings.sizing();
        this.persistence = settings.persistence();
        this.access = settings.access();
        this.extraConfig = settings.extraConfig();
        this.scheduling = settings.scheduling();
        this.podDisruptionBudget = settings.podDisruptionBudget;
        this.sentinel = settings.sentinel;
        this.metrics = settings.metrics;
        this.placement = settings.placement;
        SpecChecks.validate(this);
    }

    /**
     * @param name the instance name
     * @return a builder with every default
     */
    public static Builder builder(String name) {
        return new Builder(new SpecSettings(name));
    }

    /**
     * @return a builder holding this spec's fields (a generated password is kept); the eviction policy and
     *         network access that were defaults stay defaults, so they follow a changed mode or exposure
     */
    public Builder toBuilder() {
        return new Builder(new SpecSettings(this));
    }

    /** @return the instance name, a DNS-1035 label of at most {@value #MAX_NAME_LENGTH} characters */
    public String name() {
        return name;
    }

    /** @return the namespace (the tenant) */
    public String namespace() {
        return namespace;
    }

    /** @return the cluster's DNS domain */
    public String clusterDomain() {
        return clusterDomain;
    }

    /** @return extra labels on every object and pod, sorted by key */
    public Map<String, String> labels() {
        return extraMetadata.labels();
    }

    /** @return extra annotations on every object and pod, sorted by key */
    public Map<String, String> annotations() {
        return extraMetadata.annotations();
    }

    /** @return the container image */
    public Image image() {
        return image;
    }

    /** @return the number of replica pods (0 to {@value #MAX_REPLICAS}) */
    public int replicas() {
        return sizing.replicas();
    }

    /** @return the resources of the master pod */
    public NodeResources master() {
        return sizing.master();
    }

    /** @return the resources of each replica pod */
    public NodeResources replica() {
        return sizing.replica();
    }

    /** @return the share of each pod's memory limit given to Redis' {@code maxmemory} */
    public double maxmemoryShare() {
        return sizing.maxmemoryShare();
    }

    /** @return the explicit {@code maxmemory} for every pod (a quantity), or {@code null} to derive it */
    public @Nullable String maxmemory() {
        return sizing.maxmemory();
    }

    /** @return cache or storage */
    public Mode mode() {
        return persistence.mode();
    }

    /** @return the {@code maxmemory-policy} */
    public String evictionPolicy() {
        return persistence.evictionPolicy();
    }

    /** @return the volumes in {@link Mode#STORAGE} mode, {@code null} in {@link Mode#CACHE} mode */
    public @Nullable Storage storage() {
        return persistence.storage();
    }

    /** @return how the Services are reachable */
    public Exposure exposure() {
        return access.exposure();
    }

    /** @return how clients authenticate */
    public Auth auth() {
        return access.auth();
    }

    /** @return who may connect */
    public NetworkAccess networkAccess() {
        return access.networkAccess();
    }

    /** @return extra {@code redis.conf} directives, by name, sorted */
    public Map<String, String> redisConfig() {
        return extraConfig.directives();
    }

    /** @return node selection and spreading */
    public Scheduling scheduling() {
        return scheduling;
    }

    /** @return whether a PodDisruptionBudget keeps all but one replica up during drains */
    public boolean podDisruptionBudget() {
        return podDisruptionBudget;
    }

    /** @return automatic failover with Sentinel, or {@code null} for plain replication */
    public @Nullable SentinelSpec sentinel() {
        return sentinel;
    }

    /** @return whether Sentinel fails over automatically */
    public boolean sentinelEnabled() {
        return sentinel != null;
    }

    /** @return the Prometheus exporter sidecars, or {@code null} for none */
    public @Nullable Metrics metrics() {
        return metrics;
    }

    /** @return whether the pods run the Prometheus exporter sidecar */
    public boolean metricsEnabled() {
        return metrics != null;
    }

    /** @return topology spread, priority class and pod-template metadata, or {@code null} for none */
    public @Nullable Placement placement() {
        return placement;
    }

    /**
     * The metrics exporter's own password: with metrics and auth on, the sidecar logs in as a user of its own that
     * may run only what the exporter reads ({@code INFO}, {@code CONFIG GET}, {@code SENTINEL MASTERS}, ...; no key),
     * so rotating the clients' password never locks it out. Made at {@code build()} like a generated password and
     * kept by {@link #toBuilder()}; the deployment's {@code <name>-metrics} Secret keeps the first one written.
     *
     * @return the password, or {@code null} when metrics or auth are off
     */
    public @Nullable String exporterPassword() {
        return access.exporterPassword();
    }

    /** @return the names of the rendered objects and the pods' DNS names */
    public ResourceNames names() {
        return new ResourceNames(name, namespace, clusterDomain);
    }

    /**
     * @param role a role
     * @return that role's pod resources
     */
    public NodeResources resources(Role role) {
        return sizing.resources(role);
    }

    /**
     * @param role a role
     * @return the {@code maxmemory} rendered for that role's pods, in bytes
     */
    public long maxmemoryBytes(Role role) {
        return sizing.maxmemoryBytes(role);
    }

    /**
     * @param role a role
     * @return the memory a pod of that role may use above {@code maxmemory}: its memory limit minus
     *         {@link #maxmemoryBytes(Role)}, in bytes (replication buffers, the backlog and fork copy-on-write
     *         must fit in it); at least 5 % of the limit
     */
    public long memoryHeadroomBytes(Role role) {
        return sizing.memoryHeadroomBytes(role);
    }

    ExtraMetadata extraMetadata() {
        return extraMetadata;
    }

    Sizing sizing() {
        return sizing;
    }

    Persistence persistence() {
        return persistence;
    }

    Access access() {
        return access;
    }

    ExtraConfig extraConfig() {
        return extraConfig;
    }

    /** Every part by name, in order: {@link #equals}, {@link #hashCode} and {@link #toString} read this list. */
    private Map<String, @Nullable Object> parts() {
        Map<String, @Nullable Object> parts = new LinkedHashMap<>();
        parts.put("name", name);
        parts.put("namespace", namespace);
        parts.put("clusterDomain", clusterDomain);
        parts.put("metadata", extraMetadata);
        parts.put("image", image);
        parts.put("sizing", sizing);
        parts.put("persistence", persistence);
        parts.put("access", access);
        parts.put("config", extraConfig);
        parts.put("scheduling", scheduling);
        parts.put("podDisruptionBudget", podDisruptionBudget);
        parts.put("sentinel", sentinel);
        parts.put("metrics", metrics);
        parts.put("placement", placement);
        return parts;
    }

    /**
     * @param other another object
     * @return whether it is a spec with equal settings (a generated password included)
     */
    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof RedisReplicationSpec spec && parts().equals(spec.parts());
    }

    /** @return a hash of the settings */
    @Override
    public int hashCode() {
        return parts().hashCode();
    }

    /** @return the settings, part by part; the password is never shown */
    @Override
    public String toString() {
        StringJoiner text = new StringJoiner(", ", "RedisReplicationSpec[", "]");
        parts().forEach((part, value) -> text.add(part + "=" + value));
        return text.toString();
    }

    /**
     * Builds a {@link RedisReplicationSpec}; every setter returns this builder. Validation happens in
     * {@link #build()}, all problems at once; only a {@code null} the builder cannot hold (a map, a map key, a
     * callback, a toleration, the password generator) is refused at the call, with an
     * {@link IllegalArgumentException} naming the parameter.
     */
    public static final class Builder extends SpecBuilder {

        private Builder(SpecSettings settings) {
            super(settings);
        }

        /**
         * Validates everything and builds the spec. A generated password is made here, once.
         *
         * @return the spec
         * @throws IllegalArgumentException naming every bad field, its value, the rule and the fix
         */
        public RedisReplicationSpec build() {
            return new RedisReplicationSpec(this);
        }
    }
}
