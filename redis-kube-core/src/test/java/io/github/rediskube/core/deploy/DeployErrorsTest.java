package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.RedisKubeException.Reason;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API server's refusals, answered by fabric8's mock server in expectation mode, become
 * {@link RedisKubeException}s that name the object, the reason, the API server's words, the fix, and
 * what was applied before the failure.
 */
@EnableKubernetesMockClient
class DeployErrorsTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final String NS = "tenant-a";
    private static final String CONFIG_MAPS = "/api/v1/namespaces/" + NS + "/configmaps";
    private static final String SECRETS = "/api/v1/namespaces/" + NS + "/secrets";

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(403, "Forbidden", "secrets is forbidden: User \"system:serviceaccount:tenant-a:app\" cannot"
                        + " create resource \"secrets\" in API group \"\" in the namespace \"tenant-a\"",
                        Reason.FORBIDDEN, "grant the caller's service account"),
                Arguments.of(403, "Forbidden", "secrets \"orders-auth\" is forbidden: exceeded quota: tenant-quota,"
                        + " requested: count/secrets=1, used: count/secrets=10, limited: count/secrets=10",
                        Reason.QUOTA_EXCEEDED, "raise the namespace's ResourceQuota"),
                Arguments.of(409, "Conflict", "Operation cannot be fulfilled on secrets \"orders-auth\": the object has"
                        + " been modified", Reason.CONFLICT, "withForceConflicts(true)"),
                Arguments.of(422, "Invalid", "Secret \"orders-auth\" is invalid: data[password]: Invalid value",
                        Reason.INVALID, "refused the object"),
                Arguments.of(404, "NotFound", "namespaces \"tenant-a\" not found", Reason.NAMESPACE_MISSING,
                        "withCreateNamespace(true)"));
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {3}")
    @MethodSource("refusals")
    void refusalsNameTheObjectTheReasonTheFixAndWhatWasApplied(int code, String statusReason, String apiMessage,
                                                               Reason expected, String fix) {
        server.reset();
        RedisReplicationSpec spec = RedisKube.replication("orders").namespace(NS)
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF")).build();
        ConfigMap config = (ConfigMap) RedisKube.manifests(spec).stream().filter(o -> o instanceof ConfigMap).findFirst()
                .orElseThrow();
        HasMetadata created = Serialization.clone(config);
        created.getMetadata().setUid("uid-1");
        created.getMetadata().setResourceVersion("1");
        server.expect().get().withPath(CONFIG_MAPS + "/orders-config").andReturn(404, notFound()).once();
        server.expect().post().withPath(CONFIG_MAPS).andReturn(201, created).once();
        server.expect().get().withPath(SECRETS + "/orders-auth").andReturn(404, notFound()).once();
        server.expect().post().withPath(SECRETS).andReturn(code, new StatusBuilder().withStatus("Failure")
                .withCode(code).withReason(statusReason).withMessage(apiMessage).build()).once();

        RedisKubeException error = catchThrowableOfType(RedisKubeException.class, () -> RedisKube.deploy(client,
                spec, DeployOptions.DEFAULT.withStrategy(DeployOptions.ApplyStrategy.CREATE_OR_UPDATE)));

        assertThat(error).isNotNull();
        assertThat(error.reason()).isEqualTo(expected);
        assertThat(error.kind()).isEqualTo("Secret");
        assertThat(error.namespace()).isEqualTo(NS);
        assertThat(error.name()).isEqualTo("orders-auth");
        assertThat(error.apiMessage()).isEqualTo(apiMessage);
        assertThat(error.applied()).containsExactly("ConfigMap/orders-config");
        assertThat(error.getMessage()).contains("applying Secret tenant-a/orders-auth failed", apiMessage, fix,
                "Applied before the failure: [ConfigMap/orders-config]; deploying again converges");
    }

    private static Status notFound() {
        return new StatusBuilder().withStatus("Failure").withCode(404).withReason("NotFound").withMessage("not found")
                .build();
    }
}
