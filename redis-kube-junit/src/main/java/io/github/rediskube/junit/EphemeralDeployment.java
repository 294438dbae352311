package io.github.rediskube.junit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.client.RedisKubeConnections;
import io.github.rediskube.client.RedisPortForward;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.time.Duration;
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
    private RedisPortForward forward;
    private RedisClient redisClient;
    private StatefulRedisMasterReplicaConnection<String, String> connection;

    private EphemeralDeployment(KubernetesClient kubernetes, RedisReplicationSpec spec, RedisDeployment deployment) {
        this.kubernetes = kubernetes;
        this.spec = spec;
        this.deployment = deployment;
    }

    /** Deploys (creating the namespace), waits if asked; on failure deletes what was applied and rethrows. */
    static EphemeralDeployment start(KubernetesClient kubernetes, RedisReplicationSpec spec, DeployOptions options,
                                     Duration readyTimeout) {
        RedisDeployment deployment;
        try {
            deployment = RedisKube.deploy(kubernetes, spec, options.withCreateNamespace(true));
        } catch (RuntimeException e) {
            deleteNamespace(kubernetes, spec.namespace());
            throw e;
        }
        EphemeralDeployment ephemeral = new EphemeralDeployment(kubernetes, spec, deployment);
        if (readyTimeout != null) {
            try {
                deployment.awaitReady(readyTimeout);
            } catch (RuntimeException e) {
                ephemeral.close();
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
            forward = RedisPortForward.open(kubernetes, deployment);
            redisClient = RedisClient.create();
            redisClient.setOptions(RedisKubeConnections.recommendedClientOptions());
            connection = RedisKubeConnections.connect(redisClient, forward.endpoints());
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        for (AutoCloseable step : new AutoCloseable[] {
            connection, () -> {
                if (redisClient != null) {
                    redisClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
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
        if (Boolean.getBoolean(KEEP_PROPERTY)) {
            String ns = spec.namespace();
            System.out.println("redis-kube: kept " + ns + "/" + spec.name() + " (-D" + KEEP_PROPERTY + "=true). Reach it:\n"
                    + "  kubectl -n " + ns + " port-forward pod/" + spec.name() + "-master-0 6379:6379\n"
                    + "  kubectl -n " + ns + " get secret " + spec.name() + "-auth -o jsonpath='{.data.password}'"
                    + " | base64 -d\n  delete it with: kubectl delete namespace " + ns);
        } else {
            try {
                deployment.delete(true);
                deleteNamespace(kubernetes, spec.namespace());
            } catch (RuntimeException e) {
                failure = collect(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void deleteNamespace(KubernetesClient kubernetes, String namespace) {
        kubernetes.namespaces().withName(namespace).delete();
    }

    private static RuntimeException collect(RuntimeException failure, Exception e) {
        if (failure == null) {
            return e instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("cleaning up a test deployment failed", e);
        }
        failure.addSuppressed(e);
        return failure;
    }
}
