package io.github.rediskube.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.rediskube.core.Kubeconfig;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The cluster of a real-cluster test ({@code *IT}): the kubeconfig named by {@code -Drediskube.kubeconfig}
 * ({@code current} or a file, see {@link Kubeconfig}), else a K3s container when Docker is present, else
 * the test is skipped with a message that says what to provide (fails instead with
 * {@code -Drediskube.requireCluster=true}, which the {@code real-cluster} Maven profile sets).
 */
public final class RealCluster implements AutoCloseable {

    /** The K3s image the tests run; override with {@code -Drediskube.k3sImage=...}. */
    public static final String K3S_IMAGE = System.getProperty("rediskube.k3sImage", "rancher/k3s:v1.31.4-k3s1");

    /** System property that, set to {@code true}, turns "no cluster here" from a skip into a failure. */
    public static final String REQUIRE_CLUSTER_PROPERTY = "rediskube.requireCluster";

    private final K3sContainer k3s;
    private final KubernetesClient client;

    private RealCluster(K3sContainer k3s, KubernetesClient client) {
        this.k3s = k3s;
        this.client = client;
    }

    /**
     * @param nodePorts NodePorts the test reaches from outside (published from a K3s container)
     * @return a cluster, or aborts (skips) the calling test when none can be had here
     */
    public static RealCluster start(int... nodePorts) {
        if (!System.getProperty(Kubeconfig.KUBECONFIG_PROPERTY, "").isBlank()) {
            Optional<KubernetesClient> configured = Kubeconfig.find();
            if (configured.isPresent()) {
                return new RealCluster(null, configured.get());
            }
        }
        if (!dockerAvailable()) {
            String why = "real-cluster test cannot run: no Docker engine for a K3s container here. Run it with Docker,"
                    + " or against your current kubeconfig context with -D" + Kubeconfig.KUBECONFIG_PROPERTY + "=current";
            if (Boolean.parseBoolean(System.getProperty(REQUIRE_CLUSTER_PROPERTY, ""))
                    || Boolean.parseBoolean(System.getenv("REDISKUBE_REQUIRE_CLUSTER"))) {
                throw new IllegalStateException(why + " (a cluster is required here: -D" + REQUIRE_CLUSTER_PROPERTY
                        + "=true or REDISKUBE_REQUIRE_CLUSTER=true)");
            }
            Assumptions.abort(why);
        }
        K3sContainer container = new K3sContainer(DockerImageName.parse(K3S_IMAGE));
        for (int port : nodePorts) {
            container.addExposedPort(port);
        }
        container.start();
        return new RealCluster(container, new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(container.getKubeConfigYaml())).build());
    }

    /**
     * @param nodePort a NodePort given to {@link #start(int...)}
     * @return where this JVM reaches it: the K3s container's published port, or a node's InternalIP
     */
    public java.net.InetSocketAddress nodePort(int nodePort) {
        if (k3s != null) {
            return java.net.InetSocketAddress.createUnresolved(k3s.getHost(), k3s.getMappedPort(nodePort));
        }
        String address = client.nodes().list().getItems().get(0).getStatus().getAddresses().stream()
                .filter(a -> "InternalIP".equals(a.getType())).findFirst().orElseThrow().getAddress();
        return java.net.InetSocketAddress.createUnresolved(address, nodePort);
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** @return a client of the cluster */
    public KubernetesClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        if (k3s != null) {
            k3s.stop();
        }
    }
}
