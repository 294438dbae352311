package io.github.rediskube.core;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Kubernetes cluster a program works on, for your own programs (no test libraries needed):
 * <ol>
 *   <li>the kubeconfig named by the system property {@value #KUBECONFIG_PROPERTY}: a file path, or
 *       {@code current} for the current context of {@code $KUBECONFIG} / {@code ~/.kube/config}, used
 *       as given (no reachability check: a configured cluster that does not answer is an error to see,
 *       not a reason to go elsewhere);</li>
 *   <li>otherwise the current context of {@code $KUBECONFIG} or {@code ~/.kube/config}, if its API server
 *       answers within 3 s.</li>
 * </ol>
 * {@code -Drediskube.kubeconfig=none} finds nothing. The JUnit module's {@code KubernetesClusters} adds a
 * K3s container on top of this for tests.
 *
 * <pre>{@code
 * try (KubernetesClient client = Kubeconfig.find().orElseThrow(() -> new IllegalStateException(Kubeconfig.HOW_TO_PROVIDE))) {
 *     RedisKube.deploy(client, spec);
 * }
 * }</pre>
 *
 * <p>Thread-safe: stateless.
 */
public final class Kubeconfig {

    /** System property naming a kubeconfig file, {@code current}, or {@code none}. */
    public static final String KUBECONFIG_PROPERTY = "rediskube.kubeconfig";

    /** What to tell someone who has no cluster. */
    public static final String HOW_TO_PROVIDE = "no Kubernetes cluster: set -D" + KUBECONFIG_PROPERTY
            + "=<kubeconfig file> (or =current), make the current kubeconfig context reachable, or run where"
            + " Docker is available for a K3s container";

    private static final Logger LOG = LoggerFactory.getLogger(Kubeconfig.class);
    private static final int PROBE_TIMEOUT_MILLIS = 3_000;

    private Kubeconfig() {
    }

    /**
     * @return a client of the configured or reachable current cluster (the caller closes it), or empty
     * @throws UncheckedIOException when {@value #KUBECONFIG_PROPERTY} names a file that cannot be read
     * @throws IllegalStateException when {@value #KUBECONFIG_PROPERTY} is {@code current} but there is no
     *         kubeconfig file to take the current context from (and no in-cluster service account)
     */
    public static Optional<KubernetesClient> find() {
        String configured = System.getProperty(KUBECONFIG_PROPERTY, "").trim();
        if ("none".equals(configured)) {
            return Optional.empty();
        }
        if (!configured.isEmpty()) {
            return Optional.of(fromSetting(configured, System.getenv(), Path.of(System.getProperty("user.home"))));
        }
        return reachableCurrentContext();
    }

    /** The client a {@value #KUBECONFIG_PROPERTY} setting names, given the environment and home directory. */
    static KubernetesClient fromSetting(String configured, Map<String, String> env, Path home) {
        if ("current".equals(configured)) {
            Path file = currentKubeconfigFile(env, home);
            if (!Files.isReadable(file) && env.get("KUBERNETES_SERVICE_HOST") == null) {
                throw new IllegalStateException("-D" + KUBECONFIG_PROPERTY + "=current names the current context of"
                        + " the kubeconfig, but " + file + " does not exist or cannot be read ("
                        + (env.get("KUBECONFIG") == null ? "KUBECONFIG is not set" : "from KUBECONFIG")
                        + ") and this is not a pod with a service account. Fix: set KUBECONFIG to your kubeconfig file"
                        + " (or create ~/.kube/config, e.g. with your cluster's CLI), or name the file with -D"
                        + KUBECONFIG_PROPERTY + "=<kubeconfig file>");
            }
            return new KubernetesClientBuilder().build();
        }
        try {
            String yaml = Files.readString(Path.of(configured), StandardCharsets.UTF_8);
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kubeconfig named by -D" + KUBECONFIG_PROPERTY + "="
                    + configured + ": give a readable kubeconfig file, or =current", e);
        }
    }

    /** @return the first file of {@code $KUBECONFIG}, else {@code ~/.kube/config} */
    private static Path currentKubeconfigFile(Map<String, String> env, Path home) {
        String files = env.get("KUBECONFIG");
        return files != null && !files.isBlank() ? Path.of(files.split(File.pathSeparator)[0])
                : home.resolve(".kube").resolve("config");
    }

    private static Optional<KubernetesClient> reachableCurrentContext() {
        Path file = currentKubeconfigFile(System.getenv(), Path.of(System.getProperty("user.home")));
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        Config probeConfig = new ConfigBuilder(Config.autoConfigure(null))
                .withConnectionTimeout(PROBE_TIMEOUT_MILLIS)
                .withRequestTimeout(PROBE_TIMEOUT_MILLIS)
                .build();
        try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(probeConfig).build()) {
            String version = probe.getKubernetesVersion().getGitVersion();
            LOG.info("using the current kubeconfig context ({}), Kubernetes {}", probeConfig.getMasterUrl(), version);
        } catch (KubernetesClientException e) {
            LOG.info("current kubeconfig context {} not reachable: {}", probeConfig.getMasterUrl(), e.getMessage());
            return Optional.empty();
        }
        return Optional.of(new KubernetesClientBuilder().build());   // the usual timeouts, not the probe's
    }
}
