package io.github.rediskube.client;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.github.rediskube.core.deploy.DeploymentStatus;
import io.github.rediskube.core.deploy.RedisDeployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaches a deployment from outside the cluster (a laptop, a test JVM) through fabric8 port-forwards
 * to its pods: every in-cluster address the split connection meets — the master Service, the Redis and
 * Sentinel pods' DNS names, the names the servers announce — is mapped to a local forward to that pod
 * and port, opened on first use. Pods added later get their forward when the connection first sees them.
 *
 * <pre>{@code
 * try (RedisPortForward forward = RedisPortForward.open(kubernetesClient, deployment);
 *      var connection = RedisKubeConnections.connect(redisClient, forward.endpoints())) {
 *     connection.sync().set("k", "v");
 * }
 * }</pre>
 */
public final class RedisPortForward implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisPortForward.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String masterService;
    private final String masterPod;
    private final String podSuffix;
    private final String sentinelPodSuffix;
    private final RedisEndpoints endpoints;
    private final Map<String, LocalPortForward> forwards = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private RedisPortForward(KubernetesClient client, RedisDeployment deployment) {
        this.client = client;
        this.namespace = deployment.namespace();
        DeploymentStatus status = deployment.status();
        this.masterService = status.masterHost();
        this.masterPod = deployment.name() + "-master-0";
        // "<name>-master.<ns>.svc.<domain>" -> pods are "<pod>.<name>-headless.<ns>.svc.<domain>"
        String afterService = masterService.substring(masterService.indexOf('.') + 1);
        this.podSuffix = "." + deployment.name() + "-headless." + afterService;
        // Sentinel pods are "<pod>.<name>-sentinel-headless.<ns>.svc.<domain>"
        this.sentinelPodSuffix = "." + deployment.name() + "-sentinel-headless." + afterService;
        RedisEndpoints inCluster = RedisEndpoints.of(deployment);
        TlsSettings tls = inCluster.settings().tls();
        // a forward is 127.0.0.1, which the certificate does not name: check the chain only (the README's TLS)
        this.endpoints = inCluster.toBuilder().addressMapper(this::map)
                .tls(tls == null ? null : tls.withVerifyMode(io.lettuce.core.SslVerifyMode.CA)).build();
    }

    /**
     * @param client     the caller's Kubernetes client (port-forwards go through its API server)
     * @param deployment the deployment to reach
     * @return the forwards (opened lazily); close them when done
     */
    public static RedisPortForward open(KubernetesClient client, RedisDeployment deployment) {
        return new RedisPortForward(client, deployment);
    }

    /** @return the deployment's endpoints, every address mapped to a local forward */
    public RedisEndpoints endpoints() {
        return endpoints;
    }

    /**
     * @param deployment the deployment this forward was opened for, with Sentinel
     * @return its Sentinels, every address (Sentinels, and the master and replicas they name) mapped to a
     *         local forward, for {@link RedisKubeConnections#connect(io.lettuce.core.RedisClient, RedisSentinels)}
     */
    public RedisSentinels sentinels(RedisDeployment deployment) {
        return RedisSentinels.of(deployment).toBuilder().addressMapper(this::map).build();
    }

    /** Maps an in-cluster address of this deployment to its local forward; other addresses stay as they are. */
    RedisEndpoints.Address map(RedisEndpoints.Address address) {
        Optional<String> pod = podOf(address.host());
        if (pod.isEmpty()) {
            return address;
        }
        if (closed) {
            throw new IllegalStateException("port-forwards of " + namespace + " are closed");
        }
        int port = address.port();
        LocalPortForward forward = forwards.computeIfAbsent(pod.get() + ":" + port, key -> {
            LocalPortForward opened = client.pods().inNamespace(namespace).withName(pod.get()).portForward(port);
            LOG.info("port-forward 127.0.0.1:{} -> {}/{}:{}", opened.getLocalPort(), namespace, pod.get(), port);
            return opened;
        });
        return new RedisEndpoints.Address("127.0.0.1", forward.getLocalPort());
    }

    /** @return the pod behind an in-cluster host of this deployment, if it is one */
    Optional<String> podOf(String host) {
        if (host.equals(masterService)) {
            return Optional.of(masterPod);
        }
        for (String suffix : new String[] {podSuffix, sentinelPodSuffix}) {
            if (host.endsWith(suffix) && host.length() > suffix.length()) {
                return Optional.of(host.substring(0, host.length() - suffix.length()));
            }
        }
        return Optional.empty();
    }

    /** Closes every forward; if any fails to close, the others are still closed and the failure raised. */
    @Override
    public void close() {
        closed = true;
        UncheckedIOException failure = null;
        for (LocalPortForward forward : forwards.values()) {
            try {
                forward.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = new UncheckedIOException("closing port-forwards of " + namespace + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        forwards.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
