package io.github.rediskube.core.internal;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.TenantSpec;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Not API (it may change in any release): how {@code RedisKube}, the one entry point, reaches the deploy
 * package's entry points, which are package-private there. The deploy package registers its implementation
 * once, when {@link RedisDeployment} is initialized; a second registration, or one from another package, is
 * refused.
 */
public final class DeployEntry {

    /** The deploy package's entry points; arguments are checked by the implementation. */
    public interface Entry {
        /**
         * @param client  the caller's client
         * @param spec    what to deploy
         * @param options how to write
         * @return the handle
         */
        RedisDeployment deploy(KubernetesClient client, RedisReplicationSpec spec, DeployOptions options);

        /**
         * @param client    the caller's client
         * @param namespace the deployment's namespace
         * @param name      its instance name
         * @param options   how to write
         * @return a handle to a deployment that exists
         */
        RedisDeployment attach(KubernetesClient client, String namespace, String name, DeployOptions options);

        /**
         * @param client  the caller's client
         * @param tenant  the tenant
         * @param options how to write
         * @return the objects written, as {@code Kind/name}
         */
        List<String> provision(KubernetesClient client, TenantSpec tenant, DeployOptions options);
    }

    private static final String DEPLOY_PACKAGE = "io.github.rediskube.core.deploy";
    private static @Nullable Entry entry;

    private DeployEntry() {
    }

    /**
     * Called once by the deploy package.
     *
     * @param implementation the deploy package's entry points
     * @throws IllegalStateException if one is registered already or it is not the deploy package's
     */
    public static synchronized void register(Entry implementation) {
        if (entry != null || !implementation.getClass().getPackageName().equals(DEPLOY_PACKAGE)) {
            throw new IllegalStateException("DeployEntry is internal to redis-kube: use RedisKube.deploy/attach/provision");
        }
        entry = implementation;
    }

    /** @return the deploy package's entry points (initializing {@link RedisDeployment} registers them) */
    public static Entry get() {
        Entry current = current();
        if (current == null) {
            try {
                Class.forName(RedisDeployment.class.getName(), true, DeployEntry.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("redis-kube-core is incomplete: " + e.getMessage(), e);
            }
            current = current();
        }
        if (current == null) {
            throw new IllegalStateException("RedisDeployment did not register its entry points");
        }
        return current;
    }

    private static synchronized @Nullable Entry current() {
        return entry;
    }
}
