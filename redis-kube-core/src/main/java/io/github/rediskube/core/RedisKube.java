package io.github.rediskube.core;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.internal.DeployEntry;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.TenantSpec;
import java.util.List;

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

    /**
     * Applies every object of the spec with server-side apply (field manager {@code redis-kube}).
     *
     * <pre>{@code
     * RedisDeployment redis = RedisKube.deploy(kubernetesClient, spec);
     * redis.awaitReady(Duration.ofMinutes(2));
     * redis.close();   // deletes nothing; to burn after use deploy with DeployOptions.DEFAULT.withEphemeral(true)
     * }</pre>
     *
     * @param client the caller's client, used as given
     * @param spec   what to deploy
     * @return the deployment's handle
     * @throws io.github.rediskube.core.RedisKubeException with {@code CONFLICT}, before anything is written, when
     *         objects exist under the rendered names that are not redis-kube's (see
     *         {@link DeployOptions#withAdoptExisting(boolean)})
     */
    public static RedisDeployment deploy(KubernetesClient client, RedisReplicationSpec spec) {
        return deploy(client, spec, DeployOptions.DEFAULT);
    }

    /**
     * Applies every object of the spec as the options say (e.g. create-or-update for API servers
     * without server-side apply).
     *
     * @param client  the caller's client, used as given
     * @param spec    what to deploy
     * @param options how to write
     * @return the deployment's handle
     */
    public static RedisDeployment deploy(KubernetesClient client, RedisReplicationSpec spec, DeployOptions options) {
        return DeployEntry.get().deploy(client, spec, options);
    }

    /**
     * @param client    the caller's client
     * @param namespace the deployment's namespace
     * @param name      its instance name
     * @return a handle to a deployment that exists already (closing it deletes nothing)
     */
    public static RedisDeployment attach(KubernetesClient client, String namespace, String name) {
        return attach(client, namespace, name, DeployOptions.DEFAULT);
    }

    /**
     * @param client    the caller's client
     * @param namespace the deployment's namespace
     * @param name      its instance name
     * @param options   how the handle writes (e.g. create-or-update for API servers without server-side apply)
     * @return a handle to a deployment that exists already (closing it deletes nothing)
     * @throws io.github.rediskube.core.RedisKubeException with {@code NOT_FOUND} if there is no such deployment,
     *         with {@code CONFLICT} if its master StatefulSet's name is taken by an object that is not redis-kube's
     */
    public static RedisDeployment attach(KubernetesClient client, String namespace, String name,
                                         DeployOptions options) {
        return DeployEntry.get().attach(client, namespace, name, options);
    }

    /**
     * Starts a tenant: a namespace of its own, network-isolated, optionally with quota caps.
     *
     * <pre>{@code
     * RedisKube.provision(client, RedisKube.tenant("tenant-a").memory("16Gi").pods(20).build());
     * }</pre>
     *
     * @param namespace the tenant's namespace
     * @return a builder; {@link TenantSpec.Builder#build()} validates
     */
    public static TenantSpec.Builder tenant(String namespace) {
        return TenantSpec.builder(namespace);
    }

    /**
     * Applies a tenant's Namespace, ResourceQuota, LimitRange and NetworkPolicy (server-side apply).
     *
     * @param client the caller's client
     * @param tenant the tenant
     * @return the objects written, as {@code Kind/name}
     * @throws io.github.rediskube.core.RedisKubeException with {@code CONFLICT}, before anything is written, when
     *         the Namespace, ResourceQuota, LimitRange or NetworkPolicy exists without
     *         {@code app.kubernetes.io/managed-by: redis-kube}
     */
    public static List<String> provision(KubernetesClient client, TenantSpec tenant) {
        return provision(client, tenant, DeployOptions.DEFAULT);
    }

    /**
     * Applies a tenant's objects as the options say; only those that differ from the live ones are written.
     *
     * @param client  the caller's client
     * @param tenant  the tenant
     * @param options how to write
     * @return the objects written, as {@code Kind/name}
     * @throws io.github.rediskube.core.RedisKubeException with {@code CONFLICT}, before anything is written, when
     *         one of the tenant's objects exists without {@code app.kubernetes.io/managed-by: redis-kube}
     */
    public static List<String> provision(KubernetesClient client, TenantSpec tenant, DeployOptions options) {
        return DeployEntry.get().provision(client, tenant, options);
    }
}
