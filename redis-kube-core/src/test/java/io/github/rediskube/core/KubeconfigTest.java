package io.github.rediskube.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -Drediskube.kubeconfig=current} with no kubeconfig says so at once instead of trying an in-cluster URL. */
class KubeconfigTest {

    @Test
    void currentWithNoKubeconfigFileAndNoServiceAccountIsRefusedNamingTheFileAndTheFix(@TempDir Path home) {
        assertThatThrownBy(() -> Kubeconfig.fromSetting("current", Map.of(), home))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("-Drediskube.kubeconfig=current")
                .hasMessageContaining(home.resolve(".kube").resolve("config").toString())
                .hasMessageContaining("KUBECONFIG is not set")
                .hasMessageContaining("Fix: set KUBECONFIG");
        Path missing = home.resolve("nowhere.yaml");
        assertThatThrownBy(() -> Kubeconfig.fromSetting("current", Map.of("KUBECONFIG", missing.toString()), home))
                .hasMessageContaining(missing.toString()).hasMessageContaining("from KUBECONFIG");
    }

    @Test
    void currentTakesTheFirstFileOfKubeconfigWhenItExists(@TempDir Path home) throws IOException {
        Path file = Files.writeString(home.resolve("config.yaml"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                users: [{name: u, user: {token: t}}]
                """);
        // fabric8 reads KUBECONFIG itself; here only the check before it is under test: no refusal
        try (KubernetesClient client = Kubeconfig.fromSetting("current", Map.of("KUBECONFIG", file.toString()), home)) {
            assertThat(client).isNotNull();
        }
    }
}
