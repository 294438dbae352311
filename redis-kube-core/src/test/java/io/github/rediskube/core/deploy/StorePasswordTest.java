package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Control plane: the store step of a live password rotation writes the Secret the pods read (a mounted file),
 * waits the kubelets' refresh bound before it returns, and restarts no pod (the running servers already took
 * the new password through ACL).
 */
@EnableKubernetesMockClient(crud = true)
class StorePasswordTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final String FIRST = "first-build-password-0001";
    private static final String ROTATED = "rotated-password-0123456789";
    private static int namespaces;
    private String namespace;

    @BeforeEach
    void freshNamespace() {
        namespace = "store-" + (++namespaces);
    }

    private RedisReplicationSpec spec(Auth auth) {
        return RedisKube.replication("orders").namespace(namespace).replicas(1).sentinel(s -> s.sentinels(3))
                .auth(auth).passwordGenerator(PasswordGenerator.fixed(FIRST)).build();
    }

    /** StatefulSet name -> its pod template (a change rolls its pods). */
    private Map<String, PodTemplateSpec> templates() {
        Map<String, PodTemplateSpec> templates = new TreeMap<>();
        for (StatefulSet sts : client.apps().statefulSets().inNamespace(namespace).list().getItems()) {
            templates.put(sts.getMetadata().getName(), sts.getSpec().getTemplate());
        }
        return templates;
    }

    @Test
    void storingARotatedPasswordWritesTheSecretAndRollsNoPod() throws InterruptedException {
        RedisDeployment deployment = RedisKube.deploy(client, spec(Auth.generated()), ControlPlane.MOCK_OPTIONS);
        Map<String, PodTemplateSpec> before = templates();
        ControlPlane.recordedRequests(server);   // drain

        deployment.storePassword(ROTATED);

        assertThat(deployment.password()).isEqualTo(ROTATED);
        assertThat(RedisKube.attach(client, namespace, "orders").password()).isEqualTo(ROTATED);
        assertThat(templates()).as("no pod template changes: no pod restarts mid-rotation").isEqualTo(before);
        assertThat(ControlPlane.writes(ControlPlane.recordedRequests(server))).as("only the Secret is written")
                .hasSize(1).allMatch(w -> w.contains("/secrets/orders-auth"));
    }

    @Test
    void storingWaitsForTheKubeletsToRefreshThePasswordFileAfterWritingTheSecret() throws Exception {
        Duration refresh = Duration.ofSeconds(6);
        RedisDeployment deployment = RedisKube.deploy(client, spec(Auth.generated()),
                ControlPlane.MOCK_OPTIONS.withPasswordFileRefresh(refresh));
        long started = System.nanoTime();

        CompletableFuture<RedisDeployment> stored = CompletableFuture.supplyAsync(() -> deployment.storePassword(ROTATED));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!ROTATED.equals(RedisKube.attach(client, namespace, "orders").password())) {
            assertThat(System.nanoTime()).as("the Secret holds the new password within 20 s").isLessThan(deadline);
            Thread.sleep(50);
        }
        boolean returnedWhenWritten = stored.isDone();
        stored.get(60, TimeUnit.SECONDS);

        assertThat(returnedWhenWritten).as("storePassword returns only after the kubelets' refresh bound, not once"
                + " the Secret is written (the rotation retires the old password right after)").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(refresh);
    }

    @Test
    void aNegativePasswordFileRefreshIsRefusedNamingTheFieldAndTheFix() {
        assertThatThrownBy(() -> DeployOptions.DEFAULT.withPasswordFileRefresh(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("passwordFileRefresh must be zero or more, was PT-1S: use"
                        + " DeployOptions.DEFAULT_PASSWORD_FILE_REFRESH, or the kubelets' syncFrequency x 1.5 plus a margin");
        assertThat(DeployOptions.DEFAULT.passwordFileRefresh()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aLaterDeployRollsThePodsOntoTheStoredPasswordTheyAlreadyRun() {
        RedisDeployment deployment = RedisKube.deploy(client, spec(Auth.generated()), ControlPlane.MOCK_OPTIONS);
        deployment.storePassword(ROTATED);

        RedisReplicationSpec restarted = spec(Auth.generated());   // a process that builds its spec again
        RedisKube.deploy(client, restarted, ControlPlane.MOCK_OPTIONS);

        assertThat(deployment.password()).as("the Secret is kept").isEqualTo(ROTATED);
        assertThat(templates().values()).extracting(t -> t.getMetadata().getAnnotations()
                        .get(RedisManifests.PASSWORD_HASH_ANNOTATION))
                .as("the templates now name the stored password: the pods roll onto it")
                .containsOnly(RedisManifests.passwordHash(restarted, ROTATED));
    }

    @Test
    void storingWritesTheKeyOfASecretTheSpecNames() {
        client.secrets().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("mine").endMetadata()
                .addToStringData("pw", FIRST).addToData("pw", java.util.Base64.getEncoder()
                        .encodeToString(FIRST.getBytes(java.nio.charset.StandardCharsets.UTF_8))).build()).create();
        RedisDeployment deployment = RedisKube.deploy(client, spec(Auth.fromSecret("mine", "pw")),
                ControlPlane.MOCK_OPTIONS);

        deployment.storePassword(ROTATED);

        assertThat(deployment.password()).isEqualTo(ROTATED);
    }

    @Test
    void aMasterStatefulSetRenderedBeforeThePasswordFileStillNamesItsSecretThroughTheEnv() {
        RedisDeployment deployment = RedisKube.deploy(client, spec(Auth.generated()), ControlPlane.MOCK_OPTIONS);
        client.apps().statefulSets().inNamespace(namespace).withName("orders-master").edit(sts -> {
            var pod = sts.getSpec().getTemplate().getSpec();
            pod.getVolumes().removeIf(v -> v.getName().equals(RedisManifests.PASSWORD_VOLUME));
            pod.getContainers().get(0).getEnv().removeIf(e -> e.getName().equals("REDIS_PASSWORD_FILE"));
            pod.getContainers().get(0).getEnv().add(new io.fabric8.kubernetes.api.model.EnvVarBuilder()
                    .withName("REDIS_PASSWORD").withNewValueFrom().withNewSecretKeyRef("password", "orders-auth", false)
                    .endValueFrom().build());
            return sts;
        });

        assertThat(RedisKube.attach(client, namespace, "orders").password()).isEqualTo(FIRST);
        deployment.storePassword(ROTATED);
        assertThat(RedisKube.attach(client, namespace, "orders").password()).isEqualTo(ROTATED);
    }

    @Test
    void aPasswordBreakingTheRuleIsRefusedBeforeAnyApiCall() throws InterruptedException {
        RedisDeployment deployment = RedisKube.deploy(client, spec(Auth.generated()), ControlPlane.MOCK_OPTIONS);
        ControlPlane.recordedRequests(server);   // drain

        assertThatThrownBy(() -> deployment.storePassword("short pw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("newPassword " + Auth.PASSWORD_RULE
                        + ", was <8 characters>: use PasswordGenerator.secureRandom().generate()");
        assertThatThrownBy(() -> deployment.storePassword(null))
                .hasMessage("newPassword is required, was null: use PasswordGenerator.secureRandom().generate()");
        assertThat(ControlPlane.recordedRequests(server)).isEmpty();
        assertThat(deployment.password()).isEqualTo(FIRST);
    }

    @Test
    void aDeploymentWithoutAuthHasNothingToStore() {
        RedisDeployment deployment = RedisKube.deploy(client, spec(Auth.disabled()), ControlPlane.MOCK_OPTIONS);

        assertThatThrownBy(() -> deployment.storePassword(ROTATED))
                .isInstanceOf(RedisKubeException.class)
                .hasMessageContaining("runs without auth")
                .hasMessageContaining("Fix: deploy it with Auth.generated()");
    }
}
