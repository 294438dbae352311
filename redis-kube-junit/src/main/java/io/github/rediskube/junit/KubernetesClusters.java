package io.github.rediskube.junit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.rediskube.core.Kubeconfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Finds a Kubernetes cluster for tests, in this order:
 * <ol>
 *   <li>what {@link Kubeconfig#find()} finds (core, for your own programs): the kubeconfig named by the system
 *       property {@value #KUBECONFIG_PROPERTY} (a file path, or {@code current}), else the current context of
 *       {@code $KUBECONFIG} or {@code ~/.kube/config}, if its API server answers;</li>
 *   <li>a K3s container ({@value #K3S_IMAGE_PROPERTY}, default {@value #DEFAULT_K3S_IMAGE}) when Docker is present.</li>
 * </ol>
 * {@code -Drediskube.kubeconfig=none} skips the first (K3s or nothing); {@code -Drediskube.k3s=false}
 * the last. Where none is found, tests are skipped, unless {@link #required()} says a cluster must be there
 * ({@code -D}{@value #REQUIRE_CLUSTER_PROPERTY}{@code =true} or {@code REDISKUBE_REQUIRE_CLUSTER=true}): then
 * they fail with the same message, so a CI meant to have a cluster does not go green without one.
 *
 * <pre>{@code
 * try (KubernetesClusters.Cluster cluster = KubernetesClusters.find().orElseThrow()) {
 *     RedisKube.deploy(cluster.client(), spec);
 * }
 * }</pre>
 */
public final class KubernetesClusters {

    /** System property naming a kubeconfig file, {@code current}, or {@code none}. */
    public static final String KUBECONFIG_PROPERTY = Kubeconfig.KUBECONFIG_PROPERTY;
    /** System property that, set to {@code false}, never starts a K3s container. */
    public static final String K3S_PROPERTY = "rediskube.k3s";
    /** System property overriding the K3s image. */
    public static final String K3S_IMAGE_PROPERTY = "rediskube.k3sImage";
    /** The K3s image used when Docker is present. */
    public static final String DEFAULT_K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";
    /** System property that, set to {@code true}, turns "no cluster here" from a skip into a failure. */
    public static final String REQUIRE_CLUSTER_PROPERTY = "rediskube.requireCluster";
    /** Environment variable with the meaning of {@link #REQUIRE_CLUSTER_PROPERTY}, for a CI that has a cluster. */
    public static final String REQUIRE_CLUSTER_ENV = "REDISKUBE_REQUIRE_CLUSTER";

    /** What to tell someone who has no cluster. */
    public static final String HOW_TO_PROVIDE = Kubeconfig.HOW_TO_PROVIDE;

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesClusters.class);

    private KubernetesClusters() {
    }

    /** @return a cluster, or empty when none can be had here (see {@link #HOW_TO_PROVIDE}) */
    public static Optional<Cluster> find() {
        Optional<KubernetesClient> configured = Kubeconfig.find();
        if (configured.isPresent()) {
            KubernetesClient client = configured.get();
            return Optional.of(new Cluster(client, "kubeconfig cluster " + client.getMasterUrl(), null));
        }
        if (!"false".equals(System.getProperty(K3S_PROPERTY)) && dockerAvailable()) {
            return Optional.of(k3s());
        }
        return Optional.empty();
    }

    /**
     * @return whether a missing cluster must fail the tests instead of skipping them:
     *         {@code -D}{@value #REQUIRE_CLUSTER_PROPERTY}{@code =true} or the environment variable
     *         {@value #REQUIRE_CLUSTER_ENV}{@code =true}
     */
    public static boolean required() {
        return Boolean.parseBoolean(System.getProperty(REQUIRE_CLUSTER_PROPERTY, ""))
                || Boolean.parseBoolean(System.getenv(REQUIRE_CLUSTER_ENV));
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
        private final @Nullable K3sContainer container;
        private volatile boolean keepContainer;

        Cluster(KubernetesClient client, String description, @Nullable K3sContainer container) {
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
