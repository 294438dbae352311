package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import java.util.List;
import org.junit.jupiter.api.Test;

class RbacManifestsTest {

    @Test
    void grantsWritesOnRenderedKindsAndOnlyReadsOnPodsAndEvents() {
        List<HasMetadata> rbac = RbacManifests.forServiceAccount("tenant-a", "orders-app");
        Role role = (Role) rbac.get(0);
        RoleBinding binding = (RoleBinding) rbac.get(1);

        assertThat(role.getMetadata().getNamespace()).isEqualTo("tenant-a");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo("orders-app");
        });
        assertThat(verbs(role, "statefulsets")).contains("create", "patch", "delete", "watch");
        assertThat(verbs(role, "pods")).containsExactly("get", "list", "watch");
        assertThat(verbs(role, "events")).containsExactly("list");
        assertThat(role.getRules()).noneMatch(r -> r.getVerbs().contains("*") || r.getResources().contains("*"));
    }

    @Test
    void everyKindTheLibraryRendersIsCoveredByTheRole() {
        Role role = (Role) RbacManifests.forServiceAccount("tenant-a", "app").get(0);

        for (HasMetadata object : RedisManifests.render(RedisManifestsTest.classic())) {
            String resource = HasMetadata.getPlural(object.getClass());
            assertThat(verbs(role, resource)).as(resource).contains("create", "update", "patch", "delete", "list");
        }
    }

    @Test
    void aServiceMonitorIsCoveredByTheServiceMonitorRule() {
        HasMetadata monitor = RedisManifests.render(RedisManifestsTest.classic().toBuilder()
                .metrics(m -> m.serviceMonitor(true)).build()).stream().filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();

        assertThat(RbacManifests.serviceMonitorRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getApiGroups()).containsExactly(monitor.getApiVersion().split("/")[0]);
            assertThat(rule.getResources()).containsExactly("servicemonitors");
            assertThat(rule.getVerbs()).contains("get", "create", "update", "patch", "delete");
        });
    }

    @Test
    void nodeZonesAreReadThroughAClusterRoleBoundPerServiceAccount() throws Exception {
        List<HasMetadata> a = RbacManifests.nodeZoneReader("tenant-a", "app");
        List<HasMetadata> b = RbacManifests.nodeZoneReader("tenant-b", "app");
        ClusterRole role = (ClusterRole) a.get(0);
        ClusterRoleBinding binding = (ClusterRoleBinding) a.get(1);

        assertThat(role.getMetadata().getNamespace()).as("nodes are cluster-scoped").isNull();
        assertThat(role.getRules()).isEqualTo(RbacManifests.nodeZoneRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("nodes");
            assertThat(rule.getVerbs()).containsExactly("get", "list");
        });
        assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo("app");
            assertThat(s.getNamespace()).isEqualTo("tenant-a");
        });
        assertThat(b.get(1).getMetadata().getName()).as("one tenant's binding never replaces another's")
                .isNotEqualTo(binding.getMetadata().getName());
        assertThat(RbacManifests.rules()).as("the namespaced Role stays without nodes")
                .noneMatch(r -> r.getResources().contains("nodes"));
        V1ClusterRole.validateJsonElement(JsonParser.parseString(Serialization.asJson(role)));
        V1ClusterRoleBinding.validateJsonElement(JsonParser.parseString(Serialization.asJson(binding)));
    }

    @Test
    void roleAndBindingAreValidAgainstTheKubernetesSchema() throws Exception {
        List<HasMetadata> rbac = RbacManifests.forServiceAccount("tenant-a", "app");

        V1Role.validateJsonElement(JsonParser.parseString(Serialization.asJson(rbac.get(0))));
        V1RoleBinding.validateJsonElement(JsonParser.parseString(Serialization.asJson(rbac.get(1))));
    }

    private static List<String> verbs(Role role, String resource) {
        return role.getRules().stream().filter(r -> r.getResources().contains(resource))
                .map(PolicyRule::getVerbs).findFirst().orElse(List.of());
    }
}
