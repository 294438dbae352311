package io.github.rediskube.core.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The setters of {@link RedisReplicationSpec.Builder}, which extends this class (sealed: it is the only one) and
 * adds {@code build()}; a file of their own because there are many. Each writes the {@link SpecSettings} it holds
 * and returns the builder. Only a {@code null} the builder cannot hold (a map, a map key, a callback, a toleration,
 * the password generator) is refused at the call, with an {@link IllegalArgumentException} naming the parameter;
 * everything else is validated by the spec, all problems at once.
 */
abstract sealed class SpecBuilder permits RedisReplicationSpec.Builder {
    private static final String LABEL_EXAMPLE = "use e.g. label(\"team\", \"payments\")";
    private static final String ANNOTATION_EXAMPLE = "use e.g. annotation(\"example.com/owner\", \"payments\")";
    private static final String RESOURCES_EXAMPLE = "pass the change, e.g. n -> n.memoryLimit(\"1Gi\")";
    private static final String CONFIG_EXAMPLE = "use e.g. config(\"hz\", \"20\")";

    /** What was set so far; the spec's constructor reads it. */
    final SpecSettings settings;

    SpecBuilder(SpecSettings settings) {
        this.settings = settings;
    }

    /**
     * @param value the namespace (the tenant); default {@value RedisReplicationSpec#DEFAULT_NAMESPACE}
     * @return this builder
     */
    public RedisReplicationSpec.Builder namespace(String value) {
        settings.namespace = value;
        return self();
    }

    /**
     * Adds a label to every object and pod.
     *
     * @param key the label key, a qualified name such as {@code team} or {@code example.com/team}
     * @param value the label value
     * @return this builder
     */
    public RedisReplicationSpec.Builder label(String key, String value) {
        settings.labels.put(Checks.requireArgument(key, "label key", LABEL_EXAMPLE), value);
        return self();
    }

    /**
     * Adds labels to every object and pod.
     *
     * @param values labels by key
     * @return this builder
     */
    public RedisReplicationSpec.Builder labels(Map<String, String> values) {
        settings.labels.putAll(Checks.requireKeys(values, "labels", LABEL_EXAMPLE));
        return self();
    }

    /**
     * Adds an annotation to every object and pod.
     *
     * @param key the annotation key, a qualified name such as {@code example.com/owner}
     * @param value the annotation value
     * @return this builder
     */
    public RedisReplicationSpec.Builder annotation(String key, String value) {
        settings.annotations.put(Checks.requireArgument(key, "annotation key", ANNOTATION_EXAMPLE), value);
        return self();
    }

    /**
     * Adds annotations to every object and pod.
     *
     * @param values annotations by key
     * @return this builder
     */
    public RedisReplicationSpec.Builder annotations(Map<String, String> values) {
        settings.annotations.putAll(Checks.requireKeys(values, "annotations", ANNOTATION_EXAMPLE));
        return self();
    }

    /**
     * @param reference image reference; default {@value Image#DEFAULT_REFERENCE}
     * @return this builder
     */
    public RedisReplicationSpec.Builder image(String reference) {
        settings.image = settings.image.withReference(reference);
        return self();
    }

    /**
     * @param value the whole image setting
     * @return this builder
     */
    public RedisReplicationSpec.Builder image(Image value) {
        settings.image = Checks.requireArgument(value, "image", "use Image.DEFAULT.withReference(\"redis:7.2.11\")");
        return self();
    }

    /**
     * @param policy {@code IfNotPresent} (default), {@code Always} or {@code Never}
     * @return this builder
     */
    public RedisReplicationSpec.Builder imagePullPolicy(String policy) {
        settings.image = new Image(settings.image.reference(), policy, settings.image.pullSecrets(),
                settings.image.uid());
        return self();
    }

    /**
     * @param secretNames image pull Secrets in the deployment's namespace
     * @return this builder
     */
    public RedisReplicationSpec.Builder imagePullSecrets(String... secretNames) {
        List<String> names = Checks.requireElements(Arrays.asList(Checks.requireArgument(secretNames,
                "imagePullSecrets", "name Secrets, e.g. imagePullSecrets(\"regcred\")")), "imagePullSecrets",
                "name Secrets, e.g. imagePullSecrets(\"regcred\")");
        settings.image = new Image(settings.image.reference(), settings.image.pullPolicy(), names,
                settings.image.uid());
        return self();
    }

    /**
     * @param count replica pods, 0 to {@value RedisReplicationSpec#MAX_REPLICAS}; default
     *              {@value RedisReplicationSpec#DEFAULT_REPLICAS}
     * @return this builder
     */
    public RedisReplicationSpec.Builder replicas(int count) {
        settings.replicas = count;
        return self();
    }

    /**
     * Adjusts the master pod's resources. Replicas hold the whole dataset too, so they get the same
     * resources unless {@code replica(..)} sets theirs.
     *
     * @param resources the change, e.g. {@code n -> n.memoryLimit("1Gi")}
     * @return this builder
     */
    public RedisReplicationSpec.Builder master(Consumer<NodeResources.Builder> resources) {
        settings.master = edit(settings.master, Checks.requireArgument(resources, "master", RESOURCES_EXAMPLE));
        return self();
    }

    /**
     * Adjusts every replica pod's resources (starting from the master's, unless set before).
     *
     * @param resources the change, e.g. {@code n -> n.memoryLimit("1Gi")}
     * @return this builder
     */
    public RedisReplicationSpec.Builder replica(Consumer<NodeResources.Builder> resources) {
        settings.replica = edit(settings.replicaResourcesSet ? settings.replica : settings.master,
                Checks.requireArgument(resources, "replica", RESOURCES_EXAMPLE));
        settings.replicaResourcesSet = true;
        return self();
    }

    /**
     * Adjusts the resources of master and replicas alike.
     *
     * @param resources the change, e.g. {@code n -> n.memoryLimit("1Gi")}
     * @return this builder
     */
    public RedisReplicationSpec.Builder resources(Consumer<NodeResources.Builder> resources) {
        Checks.requireArgument(resources, "resources", RESOURCES_EXAMPLE);
        return master(resources).replica(resources);
    }

    /**
     * @param share share of each pod's memory limit for {@code maxmemory}, 0.05 to 0.95; default 0.75
     * @return this builder
     */
    public RedisReplicationSpec.Builder maxmemoryShare(double share) {
        settings.maxmemoryShare = share;
        return self();
    }

    /**
     * @param quantity explicit {@code maxmemory} for every pod, at most each pod's memory limit; {@code null} (the
     *                 default) derives it from the memory limit and {@code maxmemoryShare(..)}
     * @return this builder
     */
    public RedisReplicationSpec.Builder maxmemory(@Nullable String quantity) {
        settings.maxmemory = quantity;
        return self();
    }

    /**
     * @param value {@link Mode#CACHE} (default) or {@link Mode#STORAGE}
     * @return this builder
     */
    public RedisReplicationSpec.Builder mode(Mode value) {
        settings.mode = value;
        return self();
    }

    /**
     * Cache mode with default storage options cleared: no persistence, {@code emptyDir}.
     *
     * @return this builder
     */
    public RedisReplicationSpec.Builder cache() {
        settings.mode = Mode.CACHE;
        settings.storage = null;
        return self();
    }

    /**
     * Storage mode, adjusting the volume options (size, StorageClass, access mode, deletion).
     *
     * @param options the change, starting from the current options (or {@link Storage#DEFAULT}), e.g.
     *                {@code s -> s.size("10Gi")}
     * @return this builder
     */
    public RedisReplicationSpec.Builder storage(Consumer<Storage.Builder> options) {
        Checks.requireArgument(options, "storage", "use e.g. storage(s -> s.size(\"10Gi\"))");
        Storage.Builder builder = (settings.storage == null ? Storage.DEFAULT : settings.storage).toBuilder();
        options.accept(builder);
        settings.storage = builder.build();
        settings.mode = Mode.STORAGE;
        return self();
    }

    /**
     * Storage mode with volumes of this size.
     *
     * @param size the size of each pod's volume, a quantity such as {@code "10Gi"}
     * @return this builder
     */
    public RedisReplicationSpec.Builder storage(String size) {
        return storage(s -> s.size(size));
    }

    /**
     * @param policy {@code maxmemory-policy}; default ({@code null}) allkeys-lru (cache) or noeviction (storage)
     * @return this builder
     */
    public RedisReplicationSpec.Builder evictionPolicy(@Nullable String policy) {
        settings.evictionPolicy = policy;
        return self();
    }

    /**
     * @param value how the Services are reachable; default {@link Exposure#clusterIp()}
     * @return this builder
     */
    public RedisReplicationSpec.Builder exposure(Exposure value) {
        settings.exposure = value;
        return self();
    }

    /**
     * NodePort Services with ports chosen by Kubernetes.
     *
     * @return this builder
     */
    public RedisReplicationSpec.Builder exposeNodePorts() {
        return exposure(Exposure.nodePorts());
    }

    /**
     * NodePort Services on fixed ports, e.g. the classic 32379 and 32380.
     *
     * @param masterPort NodePort of the master Service
     *                   ({@value Exposure#MIN_NODE_PORT}–{@value Exposure#MAX_NODE_PORT})
     * @param replicaPort NodePort of the replica Service, different from {@code masterPort}
     * @return this builder
     */
    public RedisReplicationSpec.Builder exposeNodePorts(int masterPort, int replicaPort) {
        return exposure(Exposure.nodePorts(masterPort, replicaPort));
    }

    /**
     * LoadBalancer Services.
     *
     * @return this builder
     */
    public RedisReplicationSpec.Builder exposeLoadBalancer() {
        return exposure(Exposure.loadBalancer());
    }

    /**
     * @param value how clients authenticate; default {@link Auth#generated()}
     * @return this builder
     */
    public RedisReplicationSpec.Builder auth(Auth value) {
        settings.auth = value;
        return self();
    }

    /**
     * @param generator makes the password at {@code build()} when auth is generated
     * @return this builder
     */
    public RedisReplicationSpec.Builder passwordGenerator(PasswordGenerator generator) {
        settings.passwordGenerator = Checks.requireArgument(generator, "passwordGenerator",
                "keep the default, or use PasswordGenerator.fixed(..) in tests");
        return self();
    }

    /**
     * @param value who may connect; default ({@code null}) clients only, or everyone when exposed outside the
     *              cluster
     * @return this builder
     */
    public RedisReplicationSpec.Builder networkAccess(@Nullable NetworkAccess value) {
        settings.networkAccess = value;
        return self();
    }

    /**
     * Adds a {@code redis.conf} directive; directives the library owns or that are dangerous are refused.
     *
     * @param directive the directive's name, e.g. {@code hz}
     * @param value its value, e.g. {@code 20}
     * @return this builder
     */
    public RedisReplicationSpec.Builder config(String directive, String value) {
        settings.redisConfig.put(Checks.requireArgument(directive, "config directive", CONFIG_EXAMPLE), value);
        return self();
    }

    /**
     * Adds {@code redis.conf} directives.
     *
     * @param directives values by directive name
     * @return this builder
     */
    public RedisReplicationSpec.Builder config(Map<String, String> directives) {
        settings.redisConfig.putAll(Checks.requireKeys(directives, "config directives", CONFIG_EXAMPLE));
        return self();
    }

    /**
     * Requires a node label on every Redis pod's node.
     *
     * @param key the node label's key, e.g. {@code disktype}
     * @param value its value, e.g. {@code ssd}
     * @return this builder
     */
    public RedisReplicationSpec.Builder nodeSelector(String key, String value) {
        settings.nodeSelector.put(Checks.requireArgument(key, "nodeSelector key",
                "use e.g. nodeSelector(\"disktype\", \"ssd\")"), value);
        return self();
    }

    /**
     * Lets the pods run on nodes with a matching taint.
     *
     * @param value the toleration, e.g. {@code Toleration.exists("dedicated", "NoSchedule")}
     * @return this builder
     */
    public RedisReplicationSpec.Builder toleration(Toleration value) {
        settings.tolerations.add(Checks.requireArgument(value, "toleration",
                "use e.g. toleration(Toleration.exists(\"dedicated\", \"NoSchedule\"))"));
        return self();
    }

    /**
     * @param spread whether pods prefer distinct nodes (default {@code true}); a node spread of
     *               {@code placement(p -> p.nodeSpread(..))} replaces this rule on the pods it spreads
     * @return this builder
     */
    public RedisReplicationSpec.Builder spreadOverNodes(boolean spread) {
        settings.spreadOverNodes = spread;
        return self();
    }

    /**
     * @param enabled whether to render a PodDisruptionBudget for the replicas (default {@code true})
     * @return this builder
     */
    public RedisReplicationSpec.Builder podDisruptionBudget(boolean enabled) {
        settings.podDisruptionBudget = enabled;
        return self();
    }

    /**
     * @param domain the cluster's DNS domain; default {@value RedisReplicationSpec#DEFAULT_CLUSTER_DOMAIN}
     * @return this builder
     */
    public RedisReplicationSpec.Builder clusterDomain(String domain) {
        settings.clusterDomain = domain;
        return self();
    }

    /**
     * Turns on automatic failover with Sentinel (3 Sentinels, quorum 2, down after 5 s unless changed):
     * {@code sentinel(s -> s.sentinels(3).downAfter(Duration.ofSeconds(5)))}.
     *
     * @param options the change, starting from the current settings (or {@link SentinelSpec#DEFAULT})
     * @return this builder
     */
    public RedisReplicationSpec.Builder sentinel(Consumer<SentinelSpec.Builder> options) {
        Checks.requireArgument(options, "sentinel", "use e.g. sentinel(s -> s.sentinels(3)),"
                + " or sentinel((SentinelSpec) null) for plain replication");
        SentinelSpec current = settings.sentinel;
        SentinelSpec.Builder builder = (current == null ? SentinelSpec.DEFAULT : current).toBuilder();
        options.accept(builder);
        settings.sentinel = builder.build();
        return self();
    }

    /**
     * @param value Sentinel settings, or {@code null} for plain replication (the default)
     * @return this builder
     */
    public RedisReplicationSpec.Builder sentinel(@Nullable SentinelSpec value) {
        settings.sentinel = value;
        return self();
    }

    /**
     * Turns on the Prometheus exporter sidecar in every Redis and Sentinel pod (image and port defaults unless
     * changed), and a ServiceMonitor when asked: {@code metrics(m -> m.serviceMonitor(true))}.
     *
     * @param options the change, starting from the current settings (or {@link Metrics#DEFAULT})
     * @return this builder
     */
    public RedisReplicationSpec.Builder metrics(Consumer<Metrics.Builder> options) {
        Checks.requireArgument(options, "metrics", "use e.g. metrics(m -> m.serviceMonitor(true)),"
                + " or metrics((Metrics) null) for none");
        Metrics current = settings.metrics;
        Metrics.Builder builder = (current == null ? Metrics.DEFAULT : current).toBuilder();
        options.accept(builder);
        settings.metrics = builder.build();
        return self();
    }

    /**
     * Spreads the pods over zones or nodes, gives them a priority class or pod-template labels and annotations:
     * {@code placement(p -> p.zoneSpread(1).priorityClassName("redis-critical"))}.
     *
     * @param options the change, starting from the current settings (or {@link Placement#DEFAULT})
     * @return this builder
     */
    public RedisReplicationSpec.Builder placement(Consumer<Placement.Builder> options) {
        Checks.requireArgument(options, "placement", "use e.g. placement(p -> p.zoneSpread(1)),"
                + " or placement((Placement) null) for none");
        Placement.Builder builder = (settings.placement == null ? Placement.DEFAULT : settings.placement).toBuilder();
        options.accept(builder);
        settings.placement = builder.build();
        return self();
    }

    /**
     * @param value the placement settings, or {@code null} for none (the default): no spread constraints, priority
     *              class or pod-template metadata
     * @return this builder
     */
    public RedisReplicationSpec.Builder placement(@Nullable Placement value) {
        settings.placement = value;
        return self();
    }

    /**
     * @param value the exporter settings, or {@code null} for no exporter (the default; an update to a spec without
     *              metrics removes the sidecars, the exporter's Secret and the ServiceMonitor)
     * @return this builder
     */
    public RedisReplicationSpec.Builder metrics(@Nullable Metrics value) {
        settings.metrics = value;
        return self();
    }

    private RedisReplicationSpec.Builder self() {
        return (RedisReplicationSpec.Builder) this;
    }

    private static NodeResources edit(NodeResources from, Consumer<NodeResources.Builder> change) {
        NodeResources.Builder builder = from.toBuilder();
        change.accept(builder);
        return builder.build();
    }
}
