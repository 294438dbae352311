package io.github.rediskube.junit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Finds a Kubernetes cluster to work on, in this order:
 * <ol>
 *   <li>the kubeconfig named by the system property {@value #KUBECONFIG_PROPERTY} (a file path, or
 *       {@code current} for the current context of the usual kubeconfig);</li>
 *   <li>the current context of {@code $KUBECONFIG} or {@code ~/.kube/config}, if its API server answers;</li>
 *   <li>a K3s container ({@value #K3S_IMAGE_PROPERTY}, default {@value #DEFAULT_K3S_IMAGE}) when Docker is present.</li>
 * </ol>
 * {@code -Drediskube.kubeconfig=none} skips the first two (K3s or nothing); {@code -Drediskube.k3s=false}
 * the last.
 *
 * <pre>{@code
 * try (KubernetesClusters.Cluster cluster = KubernetesClusters.find().orElseThrow()) {
 *     RedisKube.deploy(cluster.client(), spec);
 * }
 * }</pre>
 */
public final class KubernetesClusters {

    /** System property naming a kubeconfig file, {@code current}, or {@code none}. */
    public static final String KUBECONFIG_PROPERTY = "rediskube.kubeconfig";
    /** System property that, set to {@code false}, never starts a K3s container. */
    public static final String K3S_PROPERTY = "rediskube.k3s";
    /** System property overriding the K3s image. */
    public static final String K3S_IMAGE_PROPERTY = "rediskube.k3sImage";
    /** The K3s image used when Docker is present. */
    public static final String DEFAULT_K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";

    /** What to tell someone who has no cluster. */
    public static final String HOW_TO_PROVIDE = "no Kubernetes cluster: set -D" + KUBECONFIG_PROPERTY
            + "=<kubeconfig file> (or =current), make the current kubeconfig context reachable, or run where"
            + " Docker is available for a K3s container";

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesClusters.class);

    private KubernetesClusters() {
    }

    /** @return a cluster, or empty when none can be had here (see {@link #HOW_TO_PROVIDE}) */
    public static Optional<Cluster> find() {
        String configured = System.getProperty(KUBECONFIG_PROPERTY, "").trim();
        if (!configured.isEmpty() && !"none".equals(configured)) {
            return Optional.of(fromKubeconfig(configured));
        }
        if (configured.isEmpty()) {
            Optional<Cluster> current = reachableCurrentContext();
            if (current.isPresent()) {
                return current;
            }
        }
        if (!"false".equals(System.getProperty(K3S_PROPERTY)) && dockerAvailable()) {
            return Optional.of(k3s());
        }
        return Optional.empty();
    }

    private static Cluster fromKubeconfig(String configured) {
        if ("current".equals(configured)) {
            return new Cluster(new KubernetesClientBuilder().build(), "current kubeconfig context", null);
        }
        try {
            String yaml = Files.readString(Path.of(configured), StandardCharsets.UTF_8);
            return new Cluster(new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build(),
                    "kubeconfig " + configured, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kubeconfig named by -D" + KUBECONFIG_PROPERTY + "="
                    + configured + ": give a readable kubeconfig file, or =current", e);
        }
    }

    private static Optional<Cluster> reachableCurrentContext() {
        String env = System.getenv("KUBECONFIG");
        Path file = env != null && !env.isBlank() ? Path.of(env.split(java.io.File.pathSeparator)[0])
                : Path.of(System.getProperty("user.home"), ".kube", "config");
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        Config config = new ConfigBuilder(Config.autoConfigure(null)).withConnectionTimeout(3_000)
                .withRequestTimeout(3_000).build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        try {
            String version = client.getKubernetesVersion().getGitVersion();
            LOG.info("using the current kubeconfig context ({}), Kubernetes {}", config.getMasterUrl(), version);
            return Optional.of(new Cluster(client, "current kubeconfig context " + config.getMasterUrl(), null));
        } catch (KubernetesClientException e) {
            LOG.info("current kubeconfig context {} not reachable: {}", config.getMasterUrl(), e.getMessage());
            client.close();
            return Optional.empty();
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Cluster k3s() {
        String image = System.getProperty(K3S_IMAGE_PROPERTY, DEFAULT_K3S_IMAGE);
        K3sContainer container = new K3sContainer(DockerImageName.parse(image));
        LOG.info("starting a K3s container ({})", image);
        container.start();
        return new Cluster(new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(container.getKubeConfigYaml())).build(), "K3s container " + image,
                container);
    }

    /** A cluster and what it takes to release it. */
    public static final class Cluster implements AutoCloseable {
        private final KubernetesClient client;
        private final String description;
        private final K3sContainer container;
        private volatile boolean keepContainer;

        Cluster(KubernetesClient client, String description, K3sContainer container) {
            this.client = client;
            this.description = description;
            this.container = container;
        }

        /** @return a client of the cluster */
        public KubernetesClient client() {
            return client;
        }

        /** @return where the cluster comes from */
        public String description() {
            return description;
        }

        /**
         * For a deployment kept after the run: asks {@link #close()} to leave a K3s container this class
         * started running, and says what that is worth. Testcontainers removes the container, and all it
         * holds, when the JVM ends; until then it is reachable through a kubeconfig file written here.
         *
         * @return for a K3s container: a note saying it goes when the JVM ends, naming the kubeconfig file
         *         to reach it until then; empty for a cluster of one's own, which keeps what is kept
         */
        public Optional<String> keepUntilExit() {
            if (container == null) {
                return Optional.empty();
            }
            keepContainer = true;
            String reach;
            try {
                Path kubeconfig = Files.createTempFile("rediskube-k3s-", ".yaml");   // owner-only on POSIX
                Files.writeString(kubeconfig, container.getKubeConfigYaml(), StandardCharsets.UTF_8);
                kubeconfig.toFile().deleteOnExit();
                reach = "until then: export KUBECONFIG=" + kubeconfig;
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("cannot write the K3s container's kubeconfig to a file: {}", e.getMessage());
                reach = "its kubeconfig could not be written to a file (" + e.getMessage() + ")";
            }
            return Optional.of("the cluster is a K3s container this run started (" + container.getContainerName()
                    + "): it is removed when this JVM ends, and what was kept with it; " + reach
                    + ". To keep a deployment for good, use a cluster of your own (the current kubeconfig context,"
                    + " or -D" + KUBECONFIG_PROPERTY + "=<file>)");
        }

        /**
         * Closes the client and stops a K3s container this class started (unless {@link #keepUntilExit()}
         * was called).
         */
        @Override
        public void close() {
            client.close();
            if (container != null && !keepContainer) {
                container.stop();
            }
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
