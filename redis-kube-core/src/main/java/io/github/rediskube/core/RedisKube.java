package io.github.rediskube.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.internal.DeployEntry;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.render.TenantManifests;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.TenantSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

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
 * List<HasMetadata> objects = RedisKube.manifests(spec);
 * String yaml = RedisKube.toYaml(spec);
 * }</pre>
 *
 * <p>A spec is a value: it neither renders nor deploys itself. Rendering ({@link #manifests(RedisReplicationSpec)},
 * {@link #toYaml(RedisReplicationSpec)}) is pure, {@link #writeYaml(RedisReplicationSpec, Path)} writes its files,
 * deploying talks to the API server. Data flows one way: spec, then render, then deploy.
 */
public final class RedisKube {

    private static final String SPEC_FIX = "build one with RedisKube.replication(\"orders\")...build()";

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
     * Renders the spec. Pure: no API server, no clock, no randomness; every call returns fresh objects, and the
     * same spec always renders the same objects.
     *
     * @param spec a spec
     * @return every object to apply, in a stable order (Secret and ConfigMap first, StatefulSets last)
     */
    public static List<HasMetadata> manifests(RedisReplicationSpec spec) {
        return RedisManifests.render(required(spec, "spec", SPEC_FIX));
    }

    /**
     * @param spec a spec
     * @return its {@link #manifests(RedisReplicationSpec) manifests} as one multi-document YAML stream, through
     *         fabric8's serializer
     */
    public static String toYaml(RedisReplicationSpec spec) {
        return Yaml.toYaml(manifests(spec));
    }

    /**
     * Writes one YAML file per object, named {@code NN-<name>-<kind>.yaml} so that
     * {@code kubectl apply -f dir} applies them in order. The generated password's Secret is written
     * readable by its owner only ({@code rw-------} where the file system has POSIX permissions).
     *
     * <pre>{@code
     * RedisKube.writeYaml(spec, Path.of("manifests"));   // then: kubectl apply -f manifests
     * }</pre>
     *
     * @param spec      a spec
     * @param directory where to write (created if missing)
     * @return the files written, in order
     * @throws IOException if a file cannot be written
     */
    public static List<Path> writeYaml(RedisReplicationSpec spec, Path directory) throws IOException {
        List<HasMetadata> objects = manifests(spec);
        return Yaml.write(objects, required(directory, "directory", "pass a directory, e.g. Path.of(\"manifests\")"));
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
     * Renders a tenant. Pure, like {@link #manifests(RedisReplicationSpec)}.
     *
     * @param tenant a tenant
     * @return the Namespace, ResourceQuota, LimitRange and NetworkPolicy to apply, as asked
     */
    public static List<HasMetadata> manifests(TenantSpec tenant) {
        return TenantManifests.render(required(tenant, "tenant",
                "build one with RedisKube.tenant(\"tenant-a\").build()"));
    }

    /**
     * @param tenant a tenant
     * @return its {@link #manifests(TenantSpec) manifests} as YAML
     */
    public static String toYaml(TenantSpec tenant) {
        return Yaml.toYaml(manifests(tenant));
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

    /** The deploy package's null rule for the entry points that render: named, before anything is done. */
    private static <T> T required(@Nullable T value, String parameter, String fix) {
        if (value == null) {
            throw new IllegalArgumentException(parameter + " is required, was null: " + fix);
        }
        return value;
    }
}
