package io.github.rediskube.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The cluster of a real-cluster test ({@code *IT}): the current kubeconfig context when
 * {@code -Drediskube.kubeconfig=current} is given, else a K3s container when Docker is present, else
 * the test is skipped with a message that says what to provide.
 */
public final class RealCluster implements AutoCloseable {

    /** The K3s image the tests run; override with {@code -Drediskube.k3sImage=...}. */
    public static final String K3S_IMAGE = System.getProperty("rediskube.k3sImage", "rancher/k3s:v1.31.4-k3s1");

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
        if ("current".equals(System.getProperty("rediskube.kubeconfig"))) {
            return new RealCluster(null, new KubernetesClientBuilder().build());
        }
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "real-cluster test skipped: no Docker engine for a K3s container here. Run it with Docker, or"
                        + " against your current kubeconfig context with -Drediskube.kubeconfig=current");
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
