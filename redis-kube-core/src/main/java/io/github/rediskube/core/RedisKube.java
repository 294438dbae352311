package io.github.rediskube.core;

import io.github.rediskube.core.spec.RedisReplicationSpec;

/**
 * Entry point of redis-kube: describe a Redis master/replica deployment in a few fluent lines.
 *
 * <pre>{@code
 * RedisReplicationSpec spec = RedisKube.replication("orders")
 *     .namespace("tenant-a")
 *     .replicas(2)
 *     .master(n -> n.memoryLimit("4096M"))
 *     .exposeNodePorts(32379, 32380)
 *     .build();                       // every rule is checked here
 * List<HasMetadata> objects = spec.manifests();
 * String yaml = spec.toYaml();
 * }</pre>
 */
public final class RedisKube {

    private RedisKube() {
    }

    /**
     * Starts a master/replica spec with every default: 2 replicas, cache mode, 256Mi pods,
     * ClusterIP Services, a generated password.
     *
     * @param name the instance name: a DNS-1035 label of at most 40 characters, e.g. {@code orders}
     * @return a builder; {@link RedisReplicationSpec.Builder#build()} validates
     */
    public static RedisReplicationSpec.Builder replication(String name) {
        return RedisReplicationSpec.builder(name);
    }
}
