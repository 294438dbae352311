package io.github.rediskube.junit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.client.RedisKubeConnections;
import io.github.rediskube.client.RedisPortForward;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.DeploymentStatus;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import io.lettuce.core.RedisClient;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One deployment made for a test class or method, in a namespace of its own, and whatever was opened
 * to reach it. Closing burns it all (unless kept), in reverse order; JUnit closes it with its context,
 * also when tests fail.
 */
final class EphemeralDeployment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EphemeralDeployment.class);

    /** System property that keeps deployments after the tests, for debugging. */
    static final String KEEP_PROPERTY = "rediskube.keep";

    private final KubernetesClient kubernetes;
    private final RedisReplicationSpec spec;
    private final RedisDeployment deployment;
    private @Nullable RedisPortForward forward;
    private @Nullable RedisClient redisClient;
    private @Nullable StatefulRedisMasterReplicaConnection<String, String> connection;

    private EphemeralDeployment(KubernetesClient kubernetes, RedisReplicationSpec spec, RedisDeployment deployment) {
        this.kubernetes = kubernetes;
        this.spec = spec;
        this.deployment = deployment;
    }

    /** Deploys (creating the namespace), waits if asked; on failure deletes what was applied and rethrows. */
    static EphemeralDeployment start(KubernetesClient kubernetes, RedisReplicationSpec spec, DeployOptions options,
                                     @Nullable Duration readyTimeout) {
        RedisDeployment deployment;
        try {
            // ephemeral: the deployment's own close() burns it, volumes included
            deployment = RedisKube.deploy(kubernetes, spec, options.withCreateNamespace(true).withEphemeral(true));
        } catch (RuntimeException e) {
            try {
                deleteNamespace(kubernetes, spec.namespace());
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        EphemeralDeployment ephemeral = new EphemeralDeployment(kubernetes, spec, deployment);
        if (readyTimeout != null) {
            try {
                deployment.awaitReady(readyTimeout);
            } catch (RuntimeException e) {
                try {
                    ephemeral.close();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }
        LOG.info("redis-kube test deployment {}/{} is up", spec.namespace(), spec.name());
        return ephemeral;
    }

    RedisDeployment deployment() {
        return deployment;
    }

    RedisReplicationSpec spec() {
        return spec;
    }

    /** A split connection through port-forwards, opened on first use and closed with the deployment. */
    synchronized StatefulRedisMasterReplicaConnection<String, String> connection() {
        if (connection == null) {
            try {
                forward = RedisPortForward.open(kubernetes, deployment);
                redisClient = RedisClient.create();
                redisClient.setOptions(RedisKubeConnections.recommendedClientOptions());
                connection = RedisKubeConnections.connect(redisClient, forward.endpoints());
            } catch (RuntimeException e) {
                RuntimeException failure = closeConnections(e);   // nothing half-open is left for the next try
                throw failure;
            }
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        RuntimeException failure = closeConnections(null);
        if (Boolean.getBoolean(KEEP_PROPERTY)) {
            System.out.println(keptMessage());
        } else {
            try {
                deployment.close();   // deployed ephemeral: deletes every object and the volumes
            } catch (RuntimeException e) {
                failure = collect(failure, e);
            } finally {
                try {
                    deleteNamespace(kubernetes, spec.namespace());   // also when deleting the objects failed
                } catch (RuntimeException e) {
                    failure = collect(failure, e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes the connection, the Redis client and the port-forwards, each attempted; forgets them all. */
    private @Nullable RuntimeException closeConnections(@Nullable RuntimeException failure) {
        RedisClient client = redisClient;
        for (AutoCloseable step : new AutoCloseable[] {
            connection, () -> {
                if (client != null) {
                    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                }
            }, forward}) {
            try {
                if (step != null) {
                    step.close();
                }
            } catch (Exception e) {
                failure = collect(failure, e);
            }
        }
        connection = null;
        redisClient = null;
        forward = null;
        return failure;
    }

    /** How to reach a kept deployment, with the names its spec and status give (not guessed from its name). */
    String keptMessage() {
        String ns = spec.namespace();
        String masterPod = spec.names().pod(Role.MASTER, 0);
        try {
            masterPod = deployment.status().pods().stream().filter(p -> "master".equals(p.role()))
                    .map(DeploymentStatus.PodState::name).findFirst().orElse(masterPod);
        } catch (RuntimeException e) {
            LOG.debug("cannot read the status of {}/{}, naming the master pod by the spec", ns, spec.name(), e);
        }
        Auth auth = spec.auth();
        String password = switch (auth.kind()) {
            case GENERATED -> passwordHint(ns, spec.names().generatedSecret(), Auth.DEFAULT_KEY);
            case EXISTING_SECRET -> passwordHint(ns, auth.secretName(), auth.secretKey());
            case DISABLED -> "  (no password: auth is disabled)\n";
        };
        return "redis-kube: kept " + ns + "/" + spec.name() + " (-D" + KEEP_PROPERTY + "=true). Reach it:\n"
                + "  kubectl -n " + ns + " port-forward pod/" + masterPod + " 6379:6379\n"
                + password
                + "  delete it with: kubectl delete namespace " + ns;
    }

    private static String passwordHint(String namespace, String secret, String key) {
        String path = key.matches("[A-Za-z0-9_]+") ? "{.data." + key + "}" : "{.data['" + key + "']}";
        return "  kubectl -n " + namespace + " get secret " + secret + " -o jsonpath=\"" + path + "\" | base64 -d\n";
    }

    private static void deleteNamespace(KubernetesClient kubernetes, String namespace) {
        kubernetes.namespaces().withName(namespace).delete();
    }

    private static RuntimeException collect(@Nullable RuntimeException failure, Exception e) {
        if (failure == null) {
            return e instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("cleaning up a test deployment failed", e);
        }
        failure.addSuppressed(e);
        return failure;
    }
}
