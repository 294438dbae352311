package io.github.rediskube.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RedisReplicationSpec.Builder} holds: one field per setting, as the user set it (the builder's
 * setters in {@link SpecBuilder} write them), the copy {@code toBuilder()} makes (one line per setting), and the
 * parts of the spec they resolve to. The defaults that follow another setting are resolved only there (the
 * replicas' resources follow the master's, the eviction policy the mode, network access the exposure), so they
 * keep following it after {@code toBuilder()}.
 */
final class SpecSettings {
    final String name;
    String namespace = RedisReplicationSpec.DEFAULT_NAMESPACE;
    final Map<String, String> labels = new TreeMap<>();
    final Map<String, String> annotations = new TreeMap<>();
    Image image = Image.DEFAULT;
    int replicas = RedisReplicationSpec.DEFAULT_REPLICAS;
    NodeResources master = NodeResources.DEFAULT;
    NodeResources replica = NodeResources.DEFAULT;
    boolean replicaResourcesSet;
    double maxmemoryShare = RedisReplicationSpec.DEFAULT_MAXMEMORY_SHARE;
    @Nullable String maxmemory;
    Mode mode = Mode.CACHE;
    @Nullable String evictionPolicy;
    @Nullable Storage storage;
    Exposure exposure = Exposure.clusterIp();
    Auth auth = Auth.generated();
    PasswordGenerator passwordGenerator = PasswordGenerator.secureRandom();
    @Nullable NetworkAccess networkAccess;
    final Map<String, String> redisConfig = new TreeMap<>();
    final Map<String, String> nodeSelector = new TreeMap<>();
    final List<Toleration> tolerations = new ArrayList<>();
    boolean spreadOverNodes = true;
    boolean podDisruptionBudget = true;
    String clusterDomain = RedisReplicationSpec.DEFAULT_CLUSTER_DOMAIN;
    @Nullable SentinelSpec sentinel;
    @Nullable Metrics metrics;
    @Nullable Placement placement;
    /** The exporter's password of the spec these settings came from, kept like a generated password. */
    @Nullable String exporterPassword;

    /** Every default. */
    SpecSettings(String name) {
        this.name = name;
    }

    /** A spec's settings (its generated password kept); a default that followed another setting stays a default. */
    SpecSettings(RedisReplicationSpec spec) {
        this.name = spec.name();
        this.namespace = spec.namespace();
        this.labels.putAll(spec.labels());
        this.annotations.putAll(spec.annotations());
        this.image = spec.image();
        this.replicas = spec.replicas();
        this.master = spec.master();
        this.replica = spec.replica();
        this.replicaResourcesSet = !spec.replica().equals(spec.master());
        this.maxmemoryShare = spec.maxmemoryShare();
        this.maxmemory = spec.maxmemory();
        this.mode = spec.mode();
        this.evictionPolicy = spec.persistence().chosenEvictionPolicy();
        this.storage = spec.storage();
        this.exposure = spec.exposure();
        this.auth = spec.auth();
        this.networkAccess = spec.access().chosenNetworkAccess();
        this.redisConfig.putAll(spec.redisConfig());
        this.nodeSelector.putAll(spec.scheduling().nodeSelector());
        this.tolerations.addAll(spec.scheduling().tolerations());
        this.spreadOverNodes = spec.scheduling().spreadOverNodes();
        this.podDisruptionBudget = spec.podDisruptionBudget();
        this.clusterDomain = spec.clusterDomain();
        this.sentinel = spec.sentinel();
        this.metrics = spec.metrics();
        this.placement = spec.placement();
        this.exporterPassword = spec.exporterPassword();
    }

    ExtraMetadata extraMetadata() {
        return new ExtraMetadata(labels, annotations);
    }

    Sizing sizing() {
        return new Sizing(replicas, master, replicaResourcesSet ? replica : master, maxmemoryShare, maxmemory);
    }

    Persistence persistence() {
        return Persistence.of(mode, evictionPolicy, storage);
    }

    /** Makes the generated passwords (the exporter's with metrics on): once per build. */
    Access access() {
        return Access.of(exposure, auth, passwordGenerator, networkAccess, metrics != null, exporterPassword);
    }

    ExtraConfig extraConfig() {
        return new ExtraConfig(redisConfig);
    }

    Scheduling scheduling() {
        return new Scheduling(nodeSelector, tolerations, spreadOverNodes);
    }
}
