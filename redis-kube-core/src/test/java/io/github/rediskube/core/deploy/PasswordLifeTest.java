package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The password's life across builds: every build of a spec generates its own password, the Secret keeps
 * the first, and the pod templates carry a hash of the password the pods run with, so no sequence of
 * export, {@code kubectl apply} and deploy leaves pods on different passwords.
 */
@EnableKubernetesMockClient(crud = true)
class PasswordLifeTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private static int namespaces;
    private String namespace;

    @BeforeEach
    void freshNamespace() {
        namespace = "pw-" + (++namespaces);
    }

    /** One build of the same spec (one process run), with its own generated password. */
    private RedisReplicationSpec build(String password) {
        return RedisKube.replication("orders").namespace(namespace).replicas(1)
                .sentinel(s -> s.sentinels(3))
                .passwordGenerator(PasswordGenerator.fixed(password)).build();
    }

    /** What {@code kubectl apply -f} of a build's exported YAML does to the objects it names. */
    private void kubectlApply(RedisReplicationSpec exported) {
        for (HasMetadata object : RedisKube.manifests(exported)) {
            client.resource(object).createOr(NonDeletingOperation::update);
        }
    }

    private String livePassword() {
        return new String(Base64.getDecoder().decode(client.secrets().inNamespace(namespace).withName("orders-auth")
                .get().getData().get("password")), StandardCharsets.UTF_8);
    }

    /** StatefulSet name -> its pod template's password hash (a change rolls its pods). */
    private Map<String, String> templateHashes() {
        Map<String, String> hashes = new TreeMap<>();
        for (StatefulSet sts : client.apps().statefulSets().inNamespace(namespace).list().getItems()) {
            hashes.put(sts.getMetadata().getName(), sts.getSpec().getTemplate().getMetadata().getAnnotations()
                    .get(RedisManifests.PASSWORD_HASH_ANNOTATION));
        }
        return hashes;
    }

    private Map<String, String> all(String hash) {
        return Map.of("orders-master", hash, "orders-replica", hash, "orders-sentinel", hash);
    }

    @Test
    void reapplyingAnotherBuildsExportRollsEveryPodOntoItsPassword() {
        RedisReplicationSpec first = build("first-build-password-0001");
        RedisKube.deploy(client, first, ControlPlane.MOCK_OPTIONS);
        assertThat(templateHashes()).isEqualTo(all(RedisManifests.passwordHash(first, "first-build-password-0001")));

        RedisReplicationSpec second = build("second-build-password-002");
        kubectlApply(second);

        assertThat(livePassword()).isEqualTo("second-build-password-002");
        assertThat(templateHashes()).as("every pod template changes with the Secret: master, replicas and Sentinels"
                + " roll onto the new password together")
                .isEqualTo(all(RedisManifests.passwordHash(second, "second-build-password-002")));
    }

    @Test
    void aFreshBuildDeployedKeepsTheLivePasswordAndRollsNothing() throws InterruptedException {
        RedisKube.deploy(client, build("first-build-password-0001"), ControlPlane.MOCK_OPTIONS);
        Map<String, String> before = templateHashes();
        ControlPlane.recordedRequests(server);   // drain

        RedisReplicationSpec restarted = build("after-a-restart-pw-00003");
        RedisKube.deploy(client, restarted, ControlPlane.MOCK_OPTIONS);

        assertThat(livePassword()).as("the generated Secret is created once").isEqualTo("first-build-password-0001");
        assertThat(templateHashes()).isEqualTo(before);
        assertThat(ControlPlane.writes(ControlPlane.recordedRequests(server)))
                .as("an unchanged deployment re-deployed from a fresh build writes nothing").isEmpty();
    }

    @Test
    void deployAfterAnExportWasAppliedKeepsTemplatesOnTheLivePasswordSoALaterApplyStillRolls() {
        RedisKube.deploy(client, build("first-build-password-0001"), ControlPlane.MOCK_OPTIONS);
        RedisReplicationSpec second = build("second-build-password-002");
        RedisKube.deploy(client, second, ControlPlane.MOCK_OPTIONS);   // a restarted process: Secret kept
        String firstHash = RedisManifests.passwordHash(second, "first-build-password-0001");
        assertThat(templateHashes()).isEqualTo(all(firstHash));

        kubectlApply(second);   // now the second build's export is applied: the Secret changes

        assertThat(livePassword()).isEqualTo("second-build-password-002");
        assertThat(templateHashes()).as("pods roll onto the second password")
                .isEqualTo(all(RedisManifests.passwordHash(second, "second-build-password-002")));

        RedisKube.deploy(client, build("first-build-password-0001"), ControlPlane.MOCK_OPTIONS);   // the first again

        assertThat(livePassword()).isEqualTo("second-build-password-002");
        assertThat(templateHashes()).as("deploy points the templates at the live password, not its own")
                .isEqualTo(all(RedisManifests.passwordHash(second, "second-build-password-002")));
    }

    @Test
    void theRenderIsPureAndTheHashRevealsNeitherThePasswordNorItsEqualityAcrossDeployments() {
        RedisReplicationSpec spec = build("first-build-password-0001");
        String yaml = RedisKube.toYaml(spec);
        assertThat(RedisKube.toYaml(spec)).isEqualTo(yaml);
        String hash = RedisManifests.passwordHash(spec, "first-build-password-0001");
        assertThat(hash).hasSize(16).isNotEqualTo(RedisManifests.passwordHash(
                spec.toBuilder().namespace("elsewhere").build(), "first-build-password-0001"));
        assertThat(List.of(yaml.split("\n"))).filteredOn(l -> l.contains(RedisManifests.PASSWORD_HASH_ANNOTATION))
                .hasSize(3).allMatch(l -> l.contains(hash));
    }
}
