package io.github.rediskube.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.RedisKubeException.Reason;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.TenantSpec;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The public entry points ({@link RedisKube}'s, which render or talk to a cluster, and {@link RedisDeployment}'s)
 * refuse a {@code null} argument before any API call, naming it; an unreachable API server gets a reason of its own.
 */
@EnableKubernetesMockClient(crud = true)
class EntryPointArgumentsTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    /** Each entry point with a reference parameter, by signature: the names of those parameters, in order. */
    private static final Map<String, List<String>> PARAMETERS = new TreeMap<>(Map.ofEntries(
            Map.entry("RedisKube.deploy(KubernetesClient,RedisReplicationSpec)", List.of("client", "spec")),
            Map.entry("RedisKube.deploy(KubernetesClient,RedisReplicationSpec,DeployOptions)",
                    List.of("client", "spec", "options")),
            Map.entry("RedisKube.attach(KubernetesClient,String,String)", List.of("client", "namespace", "name")),
            Map.entry("RedisKube.provision(KubernetesClient,TenantSpec)", List.of("client", "tenant")),
            Map.entry("RedisKube.attach(KubernetesClient,String,String,DeployOptions)",
                    List.of("client", "namespace", "name", "options")),
            Map.entry("RedisKube.provision(KubernetesClient,TenantSpec,DeployOptions)",
                    List.of("client", "tenant", "options")),
            Map.entry("RedisKube.manifests(RedisReplicationSpec)", List.of("spec")),
            Map.entry("RedisKube.manifests(TenantSpec)", List.of("tenant")),
            Map.entry("RedisKube.toYaml(RedisReplicationSpec)", List.of("spec")),
            Map.entry("RedisKube.toYaml(TenantSpec)", List.of("tenant")),
            Map.entry("RedisKube.writeYaml(RedisReplicationSpec,Path)", List.of("spec", "directory")),
            Map.entry("RedisDeployment.awaitReady(Duration)", List.of("timeout")),
            Map.entry("RedisDeployment.update(RedisReplicationSpec)", List.of("newSpec")),
            Map.entry("RedisDeployment.resizeStorage(String)", List.of("size")),
            Map.entry("RedisDeployment.storePassword(String)", List.of("newPassword"))));

    private static RedisReplicationSpec spec() {
        return RedisKube.replication("orders").namespace("tenant-a")
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF")).build();
    }

    @Test
    void everyNullArgumentOfAnEntryPointIsRefusedByNameBeforeAnyApiCall() throws Exception {
        RedisDeployment redis = RedisKube.deploy(client, spec(), ControlPlane.MOCK_OPTIONS);
        ControlPlane.recordedRequests(server);
        List<String> seen = new ArrayList<>();
        List<String> failures = new ArrayList<>();

        for (Class<?> type : List.of(RedisKube.class, RedisDeployment.class)) {
            for (Method method : type.getDeclaredMethods()) {
                if (!Modifier.isPublic(method.getModifiers())
                        || Arrays.stream(method.getParameterTypes()).allMatch(Class::isPrimitive)
                        || method.getReturnType().getSimpleName().equals("Builder")) {
                    continue;   // builders are probed with the spec (NullArgumentsTest)
                }
                String signature = signature(method);
                seen.add(signature);
                List<String> names = PARAMETERS.getOrDefault(signature, List.of());
                for (int i = 0; i < names.size(); i++) {
                    Object[] args = samples(method);
                    args[i] = null;
                    Object target = Modifier.isStatic(method.getModifiers()) ? null : redis;
                    Throwable error = catchThrowable(() -> invoke(method, target, args));
                    if (!(error instanceof IllegalArgumentException)
                            || !error.getMessage().startsWith(names.get(i) + " is required, was null: ")) {
                        failures.add(signature + " with " + names.get(i) + " null: " + error);
                    }
                }
            }
        }

        assertThat(seen).as("every entry point with a reference parameter has its names listed here")
                .containsExactlyInAnyOrderElementsOf(PARAMETERS.keySet());
        assertThat(failures).isEmpty();
        assertThat(ControlPlane.recordedRequests(server)).as("API calls for refused nulls").isEmpty();
    }

    @Test
    void anUnreachableClusterIsNamedByItsUrlWithHowToPointTheClientElsewhere() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }   // closed now: connecting is refused
        String url = "https://127.0.0.1:" + closedPort + "/";
        try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl(url).withRequestRetryBackoffLimit(0).withConnectionTimeout(5_000).build()).build()) {
            for (ThrowingCallable call : List.<ThrowingCallable>of(
                    () -> RedisKube.deploy(unreachable, spec(), ControlPlane.MOCK_OPTIONS),
                    () -> RedisKube.attach(unreachable, "tenant-a", "orders"),
                    () -> RedisKube.provision(unreachable, TenantSpec.builder("tenant-a").build()))) {
                Throwable error = catchThrowable(call);

                assertThat(error).isInstanceOf(RedisKubeException.class);
                RedisKubeException e = (RedisKubeException) error;
                assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
                assertThat(e.namespace()).isEqualTo("tenant-a");
                assertThat(e.getMessage()).contains("failed (UNREACHABLE): cannot reach the Kubernetes API server at "
                                + url, "Connection refused", "kubectl config use-context", "$KUBECONFIG",
                        "-Drediskube.kubeconfig")
                        .doesNotContain("HTTP -1", "see the cause");
            }
        }
    }

    @Test
    void aConnectionFailureIsUnreachableAlsoWhereTheClientIsNotAtHandAndAnAnswerNever() {
        var refused = new io.fabric8.kubernetes.client.KubernetesClientException("Operation: [get] failed.",
                new IOException("Connection refused: /10.0.0.1:6443", new java.net.ConnectException("refused")));
        var answered = new io.fabric8.kubernetes.client.KubernetesClientException("boom", 500, null);

        RedisKubeException unreachable = Errors.of(null, "scaling", "StatefulSet", "tenant-a", "orders-replica", refused,
                List.of());
        RedisKubeException other = Errors.of(null, "scaling", "StatefulSet", "tenant-a", "orders-replica", answered,
                List.of());

        assertThat(unreachable.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(unreachable.getMessage()).contains("cannot reach the Kubernetes API server (refused)",
                "kubectl config use-context");
        assertThat(other.reason()).isEqualTo(Reason.OTHER);
    }

    private static String signature(Method method) {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "("
                + String.join(",", Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).toList()) + ")";
    }

    private static Object[] samples(Method method) {
        return Arrays.stream(method.getParameterTypes()).map(type -> {
            if (type == KubernetesClient.class) {
                return client;
            }
            if (type == RedisReplicationSpec.class) {
                return spec();
            }
            if (type == TenantSpec.class) {
                return TenantSpec.builder("tenant-a").build();
            }
            if (type == DeployOptions.class) {
                return ControlPlane.MOCK_OPTIONS;
            }
            if (type == Duration.class) {
                return Duration.ofSeconds(1);
            }
            if (type == String.class) {
                return "orders";
            }
            if (type == boolean.class) {
                return false;
            }
            return type == int.class ? 1 : null;
        }).toArray();
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
