package io.github.rediskube.core.spec;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.github.rediskube.core.render.RedisManifests;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A Redis master/replica deployment: one master pod, {@code replicas} replica pods that follow it by
 * its stable DNS name, Services for writes and reads. Immutable and validated when built; rendering
 * it is pure (same spec, byte-identical manifests).
 *
 * <pre>{@code
 * RedisReplicationSpec spec = RedisKube.replication("orders")
 *     .namespace("tenant-a")
 *     .replicas(2)
 *     .master(n -> n.memoryLimit("4096M"))
 *     .exposeNodePorts(32379, 32380)
 *     .build();
 * List<HasMetadata> objects = spec.manifests();
 * String yaml = spec.toYaml();
 * }</pre>
 *
 * @param name                the instance name, a DNS-1123 label of at most {@value #MAX_NAME_LENGTH} characters
 * @param namespace           the namespace (the tenant)
 * @param labels              extra labels on every object and pod
 * @param annotations         extra annotations on every object and pod
 * @param image               container image
 * @param replicas            number of replica pods (0 to {@value #MAX_REPLICAS})
 * @param master              resources of the master pod
 * @param replica             resources of each replica pod
 * @param maxmemoryShare      share of each pod's memory limit given to Redis' {@code maxmemory}
 * @param maxmemory           explicit {@code maxmemory} for every pod (a quantity), or {@code null} to derive it
 * @param mode                cache or storage
 * @param evictionPolicy      {@code maxmemory-policy}
 * @param storage             volumes in {@link Mode#STORAGE} mode, {@code null} in {@link Mode#CACHE} mode
 * @param exposure            how the Services are reachable
 * @param auth                how clients authenticate
 * @param networkAccess       who may connect
 * @param redisConfig         extra {@code redis.conf} directives, by name
 * @param scheduling          node selection and spreading
 * @param podDisruptionBudget whether a PodDisruptionBudget keeps all but one replica up during drains
 * @param clusterDomain       the cluster's DNS domain
 * @param sentinel            automatic failover with Sentinel, or {@code null} for plain replication
 * @param metrics             the Prometheus exporter sidecars, or {@code null} for none
 */
public record RedisReplicationSpec(
        String name,
        String namespace,
        Map<String, String> labels,
        Map<String, String> annotations,
        Image image,
        int replicas,
        NodeResources master,
        NodeResources replica,
        double maxmemoryShare,
        @Nullable String maxmemory,
        Mode mode,
        String evictionPolicy,
        @Nullable Storage storage,
        Exposure exposure,
        Auth auth,
        NetworkAccess networkAccess,
        Map<String, String> redisConfig,
        Scheduling scheduling,
        boolean podDisruptionBudget,
        String clusterDomain,
        @Nullable SentinelSpec sentinel,
        @Nullable Metrics metrics) {

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

    /**
     * Validates every field (all problems in one exception) and copies the collections.
     *
     * @param name the instance name, a DNS-1123 label of at most {@value #MAX_NAME_LENGTH} characters
     * @param namespace the namespace (the tenant)
     * @param labels extra labels on every object and pod
     * @param annotations extra annotations on every object and pod
     * @param image container image
     * @param replicas number of replica pods (0 to {@value #MAX_REPLICAS})
     * @param master resources of the master pod
     * @param replica resources of each replica pod
     * @param maxmemoryShare share of each pod's memory limit given to Redis' {@code maxmemory}
     * @param maxmemory explicit {@code maxmemory} for every pod (a quantity), or {@code null} to derive it
     * @param mode cache or storage
     * @param evictionPolicy {@code maxmemory-policy}
     * @param storage volumes in {@link Mode#STORAGE} mode, {@code null} in {@link Mode#CACHE} mode
     * @param exposure how the Services are reachable
     * @param auth how clients authenticate
     * @param networkAccess who may connect
     * @param redisConfig extra {@code redis.conf} directives, by name
     * @param scheduling node selection and spreading
     * @param podDisruptionBudget whether a PodDisruptionBudget keeps all but one replica up during drains
     * @param clusterDomain the cluster's DNS domain
     * @param sentinel automatic failover with Sentinel, or {@code null} for plain replication
     * @param metrics the Prometheus exporter sidecars, or {@code null} for none
     */
    public RedisReplicationSpec {
        SpecChecks.validate(name, namespace, labels, annotations, image, replicas, master, replica, maxmemoryShare,
                maxmemory, mode, evictionPolicy, storage, exposure, auth, networkAccess, redisConfig, scheduling,
                clusterDomain, sentinel, metrics);
        labels = sorted(labels);
        annotations = sorted(annotations);
        redisConfig = sorted(redisConfig);
    }

    /**
     * A spec without metrics (the record's shape before {@code metrics} was added).
     *
     * @param name the instance name, a DNS-1123 label of at most {@value #MAX_NAME_LENGTH} characters
     * @param namespace the namespace (the tenant)
     * @param labels extra labels on every object and pod
     * @param annotations extra annotations on every object and pod
     * @param image container image
     * @param replicas number of replica pods (0 to {@value #MAX_REPLICAS})
     * @param master resources of the master pod
     * @param replica resources of each replica pod
     * @param maxmemoryShare share of each pod's memory limit given to Redis' {@code maxmemory}
     * @param maxmemory explicit {@code maxmemory} for every pod (a quantity), or {@code null} to derive it
     * @param mode cache or storage
     * @param evictionPolicy {@code maxmemory-policy}
     * @param storage volumes in {@link Mode#STORAGE} mode, {@code null} in {@link Mode#CACHE} mode
     * @param exposure how the Services are reachable
     * @param auth how clients authenticate
     * @param networkAccess who may connect
     * @param redisConfig extra {@code redis.conf} directives, by name
     * @param scheduling node selection and spreading
     * @param podDisruptionBudget whether a PodDisruptionBudget keeps all but one replica up during drains
     * @param clusterDomain the cluster's DNS domain
     * @param sentinel automatic failover with Sentinel, or {@code null} for plain replication
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    public RedisReplicationSpec(String name, String namespace, Map<String, String> labels,
            Map<String, String> annotations, Image image, int replicas, NodeResources master, NodeResources replica,
            double maxmemoryShare, @Nullable String maxmemory, Mode mode, String evictionPolicy, @Nullable Storage storage,
            Exposure exposure, Auth auth, NetworkAccess networkAccess, Map<String, String> redisConfig,
            Scheduling scheduling, boolean podDisruptionBudget, String clusterDomain, @Nullable SentinelSpec sentinel) {
        this(name, namespace, labels, annotations, image, replicas, master, replica, maxmemoryShare, maxmemory, mode,
                evictionPolicy, storage, exposure, auth, networkAccess, redisConfig, scheduling, podDisruptionBudget,
                clusterDomain, sentinel, null);
    }

    /**
     * A spec without Sentinel (the record's shape before {@code sentinel} was added).
     *
     * @param name the instance name, a DNS-1123 label of at most {@value #MAX_NAME_LENGTH} characters
     * @param namespace the namespace (the tenant)
     * @param labels extra labels on every object and pod
     * @param annotations extra annotations on every object and pod
     * @param image container image
     * @param replicas number of replica pods (0 to {@value #MAX_REPLICAS})
     * @param master resources of the master pod
     * @param replica resources of each replica pod
     * @param maxmemoryShare share of each pod's memory limit given to Redis' {@code maxmemory}
     * @param maxmemory explicit {@code maxmemory} for every pod (a quantity), or {@code null} to derive it
     * @param mode cache or storage
     * @param evictionPolicy {@code maxmemory-policy}
     * @param storage volumes in {@link Mode#STORAGE} mode, {@code null} in {@link Mode#CACHE} mode
     * @param exposure how the Services are reachable
     * @param auth how clients authenticate
     * @param networkAccess who may connect
     * @param redisConfig extra {@code redis.conf} directives, by name
     * @param scheduling node selection and spreading
     * @param podDisruptionBudget whether a PodDisruptionBudget keeps all but one replica up during drains
     * @param clusterDomain the cluster's DNS domain
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    public RedisReplicationSpec(String name, String namespace, Map<String, String> labels,
            Map<String, String> annotations, Image image, int replicas, NodeResources master, NodeResources replica,
            double maxmemoryShare, @Nullable String maxmemory, Mode mode, String evictionPolicy, @Nullable Storage storage,
            Exposure exposure, Auth auth, NetworkAccess networkAccess, Map<String, String> redisConfig,
            Scheduling scheduling, boolean podDisruptionBudget, String clusterDomain) {
        this(name, namespace, labels, annotations, image, replicas, master, replica, maxmemoryShare, maxmemory, mode,
                evictionPolicy, storage, exposure, auth, networkAccess, redisConfig, scheduling, podDisruptionBudget,
                clusterDomain, null, null);
    }

    /** @return whether Sentinel fails over automatically */
    public boolean sentinelEnabled() {
        return sentinel != null;
    }

    /** @return whether the pods run the Prometheus exporter sidecar */
    public boolean metricsEnabled() {
        return metrics != null;
    }

    /**
     * @param name the instance name
     * @return a builder with every default
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * @return a builder holding this spec's fields (a generated password is kept); the eviction policy and
     *         network access that were defaults stay defaults, so they follow a changed mode or exposure
     */
    public Builder toBuilder() {
        return new Builder(this);
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
        return role == Role.MASTER ? master : replica;
    }

    /**
     * @param role a role
     * @return the {@code maxmemory} rendered for that role's pods, in bytes
     */
    public long maxmemoryBytes(Role role) {
        if (maxmemory != null) {
            return Quantities.amount(maxmemory).setScale(0, RoundingMode.DOWN).longValueExact();
        }
        BigDecimal limit = Quantities.amount(resources(role).memoryLimit());
        return limit.multiply(BigDecimal.valueOf(maxmemoryShare)).setScale(0, RoundingMode.DOWN).longValueExact();
    }

    /**
     * @param role a role
     * @return the memory a pod of that role may use above {@code maxmemory}: its memory limit minus
     *         {@link #maxmemoryBytes(Role)}, in bytes (replication buffers, the backlog and fork copy-on-write
     *         must fit in it); at least 5 % of the limit
     */
    public long memoryHeadroomBytes(Role role) {
        BigDecimal limit = Quantities.amount(resources(role).memoryLimit()).setScale(0, RoundingMode.DOWN);
        return limit.longValueExact() - maxmemoryBytes(role);
    }

    /** @return every object to apply, in a stable order (Secret and ConfigMap first, StatefulSets last) */
    public List<HasMetadata> manifests() {
        return RedisManifests.render(this);
    }

    /** @return the manifests as one multi-document YAML stream, through fabric8's serializer */
    public String toYaml() {
        return Yaml.toYaml(manifests());
    }

    /**
     * Writes one YAML file per object, named {@code NN-<name>-<kind>.yaml} so that
     * {@code kubectl apply -f dir} applies them in order. The generated password's Secret is written
     * readable by its owner only ({@code rw-------} where the file system has POSIX permissions).
     *
     * @param directory where to write (created if missing)
     * @return the files written, in order
     * @throws IOException if a file cannot be written
     */
    public List<Path> writeYaml(Path directory) throws IOException {
        return Yaml.write(manifests(), directory);
    }

    private static Map<String, String> sorted(Map<String, String> map) {
        return Collections.unmodifiableMap(new TreeMap<>(map));
    }

    /**
     * Builds a {@link RedisReplicationSpec}; every setter returns this builder. Validation happens in
     * {@link #build()}, all problems at once; only a {@code null} the builder cannot hold (a map, a map key, a
     * callback, a toleration, the password generator) is refused at the call, with an
     * {@link IllegalArgumentException} naming the parameter.
     */
    public static final class Builder {
        private static final String LABEL_EXAMPLE = "use e.g. label(\"team\", \"payments\")";
        private static final String ANNOTATION_EXAMPLE = "use e.g. annotation(\"example.com/owner\", \"payments\")";
        private static final String RESOURCES_EXAMPLE = "pass the change, e.g. n -> n.memoryLimit(\"1Gi\")";
        private static final String CONFIG_EXAMPLE = "use e.g. config(\"hz\", \"20\")";

        private final String name;
        private String namespace = DEFAULT_NAMESPACE;
        private final Map<String, String> labels = new TreeMap<>();
        private final Map<String, String> annotations = new TreeMap<>();
        private Image image = Image.DEFAULT;
        private int replicas = DEFAULT_REPLICAS;
        private NodeResources master = NodeResources.DEFAULT;
        private NodeResources replica = NodeResources.DEFAULT;
        private boolean replicaResourcesSet;
        private double maxmemoryShare = DEFAULT_MAXMEMORY_SHARE;
        private @Nullable String maxmemory;
        private Mode mode = Mode.CACHE;
        private @Nullable String evictionPolicy;
        private @Nullable Storage storage;
        private Exposure exposure = Exposure.clusterIp();
        private Auth auth = Auth.generated();
        private PasswordGenerator passwordGenerator = PasswordGenerator.secureRandom();
        private @Nullable NetworkAccess networkAccess;
        private final Map<String, String> redisConfig = new TreeMap<>();
        private final Map<String, String> nodeSelector = new TreeMap<>();
        private final List<Toleration> tolerations = new ArrayList<>();
        private boolean spreadOverNodes = true;
        private boolean podDisruptionBudget = true;
        private String clusterDomain = DEFAULT_CLUSTER_DOMAIN;
        private @Nullable SentinelSpec sentinel;
        private @Nullable Metrics metrics;

        private Builder(String name) {
            this.name = name;
        }

        private Builder(RedisReplicationSpec spec) {
            this.name = spec.name;
            this.namespace = spec.namespace;
            this.labels.putAll(spec.labels);
            this.annotations.putAll(spec.annotations);
            this.image = spec.image;
            this.replicas = spec.replicas;
            this.master = spec.master;
            this.replica = spec.replica;
            this.replicaResourcesSet = !spec.replica.equals(spec.master);
            this.maxmemoryShare = spec.maxmemoryShare;
            this.maxmemory = spec.maxmemory;
            this.mode = spec.mode;
            this.evictionPolicy = spec.evictionPolicy.equals(defaultPolicy(spec.mode)) ? null : spec.evictionPolicy;
            this.storage = spec.storage;
            this.exposure = spec.exposure;
            this.auth = spec.auth;
            this.networkAccess = spec.networkAccess.equals(defaultAccess(spec.exposure)) ? null : spec.networkAccess;
            this.redisConfig.putAll(spec.redisConfig);
            this.nodeSelector.putAll(spec.scheduling.nodeSelector());
            this.tolerations.addAll(spec.scheduling.tolerations());
            this.spreadOverNodes = spec.scheduling.spreadOverNodes();
            this.podDisruptionBudget = spec.podDisruptionBudget;
            this.clusterDomain = spec.clusterDomain;
            this.sentinel = spec.sentinel;
            this.metrics = spec.metrics;
        }

        /**
         * @param value the namespace (the tenant); default {@value #DEFAULT_NAMESPACE}
         * @return this builder
         */
        public Builder namespace(String value) {
            this.namespace = value;
            return this;
        }

        /**
         * Adds a label to every object and pod.
         *
         * @param key the label key, a qualified name such as {@code team} or {@code example.com/team}
         * @param value the label value
         * @return this builder
         */
        public Builder label(String key, String value) {
            this.labels.put(Checks.requireArgument(key, "label key", LABEL_EXAMPLE), value);
            return this;
        }

        /**
         * Adds labels to every object and pod.
         *
         * @param values labels by key
         * @return this builder
         */
        public Builder labels(Map<String, String> values) {
            this.labels.putAll(Checks.requireKeys(values, "labels", LABEL_EXAMPLE));
            return this;
        }

        /**
         * Adds an annotation to every object and pod.
         *
         * @param key the annotation key, a qualified name such as {@code example.com/owner}
         * @param value the annotation value
         * @return this builder
         */
        public Builder annotation(String key, String value) {
            this.annotations.put(Checks.requireArgument(key, "annotation key", ANNOTATION_EXAMPLE), value);
            return this;
        }

        /**
         * Adds annotations to every object and pod.
         *
         * @param values annotations by key
         * @return this builder
         */
        public Builder annotations(Map<String, String> values) {
            this.annotations.putAll(Checks.requireKeys(values, "annotations", ANNOTATION_EXAMPLE));
            return this;
        }

        /**
         * @param reference image reference; default {@value Image#DEFAULT_REFERENCE}
         * @return this builder
         */
        public Builder image(String reference) {
            this.image = image.withReference(reference);
            return this;
        }

        /**
         * @param value the whole image setting
         * @return this builder
         */
        public Builder image(Image value) {
            this.image = Checks.requireArgument(value, "image", "use Image.DEFAULT.withReference(\"redis:7.2.11\")");
            return this;
        }

        /**
         * @param policy {@code IfNotPresent} (default), {@code Always} or {@code Never}
         * @return this builder
         */
        public Builder imagePullPolicy(String policy) {
            this.image = new Image(image.reference(), policy, image.pullSecrets(), image.uid());
            return this;
        }

        /**
         * @param secretNames image pull Secrets in the deployment's namespace
         * @return this builder
         */
        public Builder imagePullSecrets(String... secretNames) {
            List<String> names = Checks.requireElements(Arrays.asList(Checks.requireArgument(secretNames,
                    "imagePullSecrets", "name Secrets, e.g. imagePullSecrets(\"regcred\")")), "imagePullSecrets",
                    "name Secrets, e.g. imagePullSecrets(\"regcred\")");
            this.image = new Image(image.reference(), image.pullPolicy(), names, image.uid());
            return this;
        }

        /**
         * @param count replica pods, 0 to {@value #MAX_REPLICAS}; default {@value #DEFAULT_REPLICAS}
         * @return this builder
         */
        public Builder replicas(int count) {
            this.replicas = count;
            return this;
        }

        /**
         * Adjusts the master pod's resources. Replicas hold the whole dataset too, so they get the same
         * resources unless {@link #replica(Consumer)} sets theirs.
         *
         * @param resources the change, e.g. {@code n -> n.memoryLimit("1Gi")}
         * @return this builder
         */
        public Builder master(Consumer<NodeResources.Builder> resources) {
            this.master = edit(master, Checks.requireArgument(resources, "master", RESOURCES_EXAMPLE));
            return this;
        }

        /**
         * Adjusts every replica pod's resources (starting from the master's, unless set before).
         *
         * @param resources the change, e.g. {@code n -> n.memoryLimit("1Gi")}
         * @return this builder
         */
        public Builder replica(Consumer<NodeResources.Builder> resources) {
            this.replica = edit(replicaResourcesSet ? replica : master,
                    Checks.requireArgument(resources, "replica", RESOURCES_EXAMPLE));
            this.replicaResourcesSet = true;
            return this;
        }

        /**
         * Adjusts the resources of master and replicas alike.
         *
         * @param resources the change, e.g. {@code n -> n.memoryLimit("1Gi")}
         * @return this builder
         */
        public Builder resources(Consumer<NodeResources.Builder> resources) {
            Checks.requireArgument(resources, "resources", RESOURCES_EXAMPLE);
            return master(resources).replica(resources);
        }

        /**
         * @param share share of each pod's memory limit for {@code maxmemory}, 0.05 to 0.95; default 0.75
         * @return this builder
         */
        public Builder maxmemoryShare(double share) {
            this.maxmemoryShare = share;
            return this;
        }

        /**
         * @param quantity explicit {@code maxmemory} for every pod, at most each pod's memory limit; {@code null} (the
         *                 default) derives it from the memory limit and {@link #maxmemoryShare(double)}
         * @return this builder
         */
        public Builder maxmemory(@Nullable String quantity) {
            this.maxmemory = quantity;
            return this;
        }

        /**
         * @param value {@link Mode#CACHE} (default) or {@link Mode#STORAGE}
         * @return this builder
         */
        public Builder mode(Mode value) {
            this.mode = value;
            return this;
        }

        /**
         * Cache mode with default storage options cleared: no persistence, {@code emptyDir}.
         *
         * @return this builder
         */
        public Builder cache() {
            this.mode = Mode.CACHE;
            this.storage = null;
            return this;
        }

        /**
         * Storage mode, adjusting the volume options (size, StorageClass, access mode, deletion).
         *
         * @param options the change, starting from the current options (or {@link Storage#DEFAULT}), e.g.
         *                {@code s -> s.size("10Gi")}
         * @return this builder
         */
        public Builder storage(Consumer<Storage.Builder> options) {
            Checks.requireArgument(options, "storage", "use e.g. storage(s -> s.size(\"10Gi\"))");
            Storage.Builder builder = (storage == null ? Storage.DEFAULT : storage).toBuilder();
            options.accept(builder);
            this.storage = builder.build();
            this.mode = Mode.STORAGE;
            return this;
        }

        /**
         * Storage mode with volumes of this size.
         *
         * @param size the size of each pod's volume, a quantity such as {@code "10Gi"}
         * @return this builder
         */
        public Builder storage(String size) {
            return storage(s -> s.size(size));
        }

        /**
         * @param policy {@code maxmemory-policy}; default ({@code null}) allkeys-lru (cache) or noeviction (storage)
         * @return this builder
         */
        public Builder evictionPolicy(@Nullable String policy) {
            this.evictionPolicy = policy;
            return this;
        }

        /**
         * @param value how the Services are reachable; default {@link Exposure#clusterIp()}
         * @return this builder
         */
        public Builder exposure(Exposure value) {
            this.exposure = value;
            return this;
        }

        /**
         * NodePort Services with ports chosen by Kubernetes.
         *
         * @return this builder
         */
        public Builder exposeNodePorts() {
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
        public Builder exposeNodePorts(int masterPort, int replicaPort) {
            return exposure(Exposure.nodePorts(masterPort, replicaPort));
        }

        /**
         * LoadBalancer Services.
         *
         * @return this builder
         */
        public Builder exposeLoadBalancer() {
            return exposure(Exposure.loadBalancer());
        }

        /**
         * @param value how clients authenticate; default {@link Auth#generated()}
         * @return this builder
         */
        public Builder auth(Auth value) {
            this.auth = value;
            return this;
        }

        /**
         * @param generator makes the password at {@link #build()} when auth is generated
         * @return this builder
         */
        public Builder passwordGenerator(PasswordGenerator generator) {
            this.passwordGenerator = Checks.requireArgument(generator, "passwordGenerator",
                    "keep the default, or use PasswordGenerator.fixed(..) in tests");
            return this;
        }

        /**
         * @param value who may connect; default ({@code null}) clients only, or everyone when exposed outside the
         *              cluster
         * @return this builder
         */
        public Builder networkAccess(@Nullable NetworkAccess value) {
            this.networkAccess = value;
            return this;
        }

        /**
         * Adds a {@code redis.conf} directive; directives the library owns or that are dangerous are refused.
         *
         * @param directive the directive's name, e.g. {@code hz}
         * @param value its value, e.g. {@code 20}
         * @return this builder
         */
        public Builder config(String directive, String value) {
            this.redisConfig.put(Checks.requireArgument(directive, "config directive", CONFIG_EXAMPLE), value);
            return this;
        }

        /**
         * Adds {@code redis.conf} directives.
         *
         * @param directives values by directive name
         * @return this builder
         */
        public Builder config(Map<String, String> directives) {
            this.redisConfig.putAll(Checks.requireKeys(directives, "config directives", CONFIG_EXAMPLE));
            return this;
        }

        /**
         * Requires a node label on every Redis pod's node.
         *
         * @param key the node label's key, e.g. {@code disktype}
         * @param value its value, e.g. {@code ssd}
         * @return this builder
         */
        public Builder nodeSelector(String key, String value) {
            this.nodeSelector.put(Checks.requireArgument(key, "nodeSelector key",
                    "use e.g. nodeSelector(\"disktype\", \"ssd\")"), value);
            return this;
        }

        /**
         * Lets the pods run on nodes with a matching taint.
         *
         * @param value the toleration, e.g. {@code Toleration.exists("dedicated", "NoSchedule")}
         * @return this builder
         */
        public Builder toleration(Toleration value) {
            this.tolerations.add(Checks.requireArgument(value, "toleration",
                    "use e.g. toleration(Toleration.exists(\"dedicated\", \"NoSchedule\"))"));
            return this;
        }

        /**
         * @param spread whether pods prefer distinct nodes (default {@code true})
         * @return this builder
         */
        public Builder spreadOverNodes(boolean spread) {
            this.spreadOverNodes = spread;
            return this;
        }

        /**
         * @param enabled whether to render a PodDisruptionBudget for the replicas (default {@code true})
         * @return this builder
         */
        public Builder podDisruptionBudget(boolean enabled) {
            this.podDisruptionBudget = enabled;
            return this;
        }

        /**
         * @param domain the cluster's DNS domain; default {@value #DEFAULT_CLUSTER_DOMAIN}
         * @return this builder
         */
        public Builder clusterDomain(String domain) {
            this.clusterDomain = domain;
            return this;
        }

        /**
         * Turns on automatic failover with Sentinel (3 Sentinels, quorum 2, down after 5 s unless changed):
         * {@code sentinel(s -> s.sentinels(3).downAfter(Duration.ofSeconds(5)))}.
         *
         * @param options the change, starting from the current settings (or {@link SentinelSpec#DEFAULT})
         * @return this builder
         */
        public Builder sentinel(Consumer<SentinelSpec.Builder> options) {
            Checks.requireArgument(options, "sentinel", "use e.g. sentinel(s -> s.sentinels(3)),"
                    + " or sentinel((SentinelSpec) null) for plain replication");
            SentinelSpec.Builder builder = (sentinel == null ? SentinelSpec.DEFAULT : sentinel).toBuilder();
            options.accept(builder);
            this.sentinel = builder.build();
            return this;
        }

        /**
         * @param value Sentinel settings, or {@code null} for plain replication (the default)
         * @return this builder
         */
        public Builder sentinel(@Nullable SentinelSpec value) {
            this.sentinel = value;
            return this;
        }

        /**
         * Turns on the Prometheus exporter sidecar in every Redis and Sentinel pod (image and port defaults
         * unless changed), and a ServiceMonitor when asked: {@code metrics(m -> m.serviceMonitor(true))}.
         *
         * @param options the change, starting from the current settings (or {@link Metrics#DEFAULT})
         * @return this builder
         */
        public Builder metrics(Consumer<Metrics.Builder> options) {
            Checks.requireArgument(options, "metrics", "use e.g. metrics(m -> m.serviceMonitor(true))");
            Metrics.Builder builder = (metrics == null ? Metrics.DEFAULT : metrics).toBuilder();
            options.accept(builder);
            this.metrics = builder.build();
            return this;
        }

        /**
         * Validates everything and builds the spec. A generated password is made here, once.
         *
         * @return the spec
         * @throws IllegalArgumentException naming every bad field, its value, the rule and the fix
         */
        public RedisReplicationSpec build() {
            Auth resolvedAuth = auth;
            if (auth != null && auth.kind() == Auth.Kind.GENERATED && auth.password() == null) {
                resolvedAuth = auth.withPassword(passwordGenerator.generate());
            }
            NetworkAccess resolvedAccess = networkAccess != null ? networkAccess : defaultAccess(exposure);
            String resolvedPolicy = evictionPolicy != null ? evictionPolicy : defaultPolicy(mode);
            Storage resolvedStorage = mode == Mode.STORAGE && storage == null ? Storage.DEFAULT : storage;
            NodeResources resolvedReplica = replicaResourcesSet ? replica : master;
            return new RedisReplicationSpec(name, namespace, labels, annotations, image, replicas, master,
                    resolvedReplica,
                    maxmemoryShare, maxmemory, mode, resolvedPolicy, resolvedStorage, exposure, resolvedAuth,
                    resolvedAccess, redisConfig, new Scheduling(nodeSelector, tolerations, spreadOverNodes),
                    podDisruptionBudget, clusterDomain, sentinel, metrics);
        }

        private static NetworkAccess defaultAccess(Exposure exposure) {
            return exposure != null && exposure.outsideCluster() ? NetworkAccess.everyone() : NetworkAccess.clientsOnly();
        }

        private static String defaultPolicy(Mode mode) {
            return mode == Mode.STORAGE ? "noeviction" : "allkeys-lru";
        }

        private static NodeResources edit(NodeResources from, Consumer<NodeResources.Builder> change) {
            NodeResources.Builder builder = from.toBuilder();
            change.accept(builder);
            return builder.build();
        }
    }
}
