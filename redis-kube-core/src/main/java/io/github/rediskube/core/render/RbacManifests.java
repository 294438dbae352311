package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.RoleRefBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The minimal namespaced Role that lets a service account run redis-kube in one namespace (deploy,
 * await, status, scale, update, delete), and its RoleBinding. Creating namespaces
 * ({@code DeployOptions.withCreateNamespace(true)}) and reading node zones ({@link #nodeZoneReader}) need
 * cluster-scoped grants on top.
 *
 * <pre>{@code
 * List<HasMetadata> rbac = RbacManifests.forServiceAccount("tenant-a", "orders-service");
 * }</pre>
 */
public final class RbacManifests {

    /** Name of the Role and RoleBinding. */
    public static final String ROLE_NAME = "redis-kube";
    /** Name of the ClusterRole of {@link #nodeZoneRules()}. */
    public static final String NODE_ZONES_NAME = "redis-kube-node-zones";

    private static final List<String> WRITE = List.of("get", "list", "watch", "create", "update", "patch", "delete");
    private static final List<String> READ = List.of("get", "list", "watch");

    private RbacManifests() {
    }

    /** @return the rules the library needs in a namespace */
    public static List<PolicyRule> rules() {
        return List.of(
                rule("", List.of("configmaps", "secrets", "services"), WRITE),
                rule("apps", List.of("statefulsets"), WRITE),
                rule("policy", List.of("poddisruptionbudgets"), WRITE),
                rule("networking.k8s.io", List.of("networkpolicies"), WRITE),
                rule("", List.of("pods"), READ),
                rule("", List.of("events"), List.of("list")),
                rule("", List.of("persistentvolumeclaims"), List.of("get", "list", "watch", "patch", "delete")));
    }

    /**
     * What deploying a Sentinel spec needs on top of {@link #rules()}: the role labeler's ServiceAccount,
     * Role and RoleBinding, and {@code patch} on pods (Kubernetes lets a Role be created only by someone
     * who holds its rights: the labeler's Role grants get and patch on pods).
     *
     * @return the extra rules of Sentinel mode
     */
    public static List<PolicyRule> sentinelRules() {
        return List.of(
                rule("", List.of("serviceaccounts"), WRITE),
                rule("rbac.authorization.k8s.io", List.of("roles", "rolebindings"), WRITE),
                rule("", List.of("pods"), List.of("patch")));
    }

    /**
     * What deploying a spec with {@code metrics(m -> m.serviceMonitor(true))} needs on top of {@link #rules()}:
     * write access to the Prometheus Operator's {@code servicemonitors}.
     *
     * @return the extra rule of a ServiceMonitor
     */
    public static List<PolicyRule> serviceMonitorRules() {
        return List.of(rule("monitoring.coreos.com", List.of("servicemonitors"), WRITE));
    }

    /**
     * What {@code RedisDeployment.nodeZones()} needs besides {@link #rules()} (which reads the pods): {@code get}
     * and {@code list} on nodes, to read each pod's node's {@code topology.kubernetes.io/zone} label. Nodes are
     * cluster-scoped, so this is a ClusterRole's rule, never a namespaced Role's ({@link #nodeZoneReader}).
     *
     * @return the rule of reading node zones
     */
    public static List<PolicyRule> nodeZoneRules() {
        return List.of(rule("", List.of("nodes"), List.of("get", "list")));
    }

    /**
     * A ClusterRole {@value #NODE_ZONES_NAME} granting {@link #nodeZoneRules()} (the same for every tenant), and a
     * ClusterRoleBinding of it to one service account, named after it ({@code <role>-<namespace>-<account>}) so
     * that one tenant's binding never replaces another's.
     *
     * @param namespace      the service account's namespace
     * @param serviceAccount the service account that reads the zones (the application using the split connection)
     * @return the ClusterRole and the ClusterRoleBinding
     */
    public static List<HasMetadata> nodeZoneReader(String namespace, String serviceAccount) {
        return List.of(
                new ClusterRoleBuilder()
                        .withMetadata(metadata(NODE_ZONES_NAME, null))
                        .withRules(nodeZoneRules())
                        .build(),
                new ClusterRoleBindingBuilder()
                        .withMetadata(metadata(NODE_ZONES_NAME + "-" + namespace + "-" + serviceAccount, null))
                        .withRoleRef(roleRef("ClusterRole", NODE_ZONES_NAME))
                        .withSubjects(serviceAccount(namespace, serviceAccount))
                        .build());
    }

    /**
     * @param namespace      the namespace the library works in (the tenant)
     * @param serviceAccount the service account of the application that uses the library (same namespace)
     * @param sentinel       whether it deploys Sentinel specs ({@link #sentinelRules()} added)
     * @return a Role and a RoleBinding granting exactly {@link #rules()}, plus the Sentinel rules if asked
     */
    public static List<HasMetadata> forServiceAccount(String namespace, String serviceAccount, boolean sentinel) {
        List<HasMetadata> objects = forServiceAccount(namespace, serviceAccount);
        if (sentinel) {
            List<PolicyRule> all = new java.util.ArrayList<>(rules());
            all.addAll(sentinelRules());
            ((io.fabric8.kubernetes.api.model.rbac.Role) objects.get(0)).setRules(all);
        }
        return objects;
    }

    /**
     * @param namespace      the namespace the library works in (the tenant)
     * @param serviceAccount the service account of the application that uses the library (same namespace)
     * @return a Role and a RoleBinding granting exactly {@link #rules()}
     */
    public static List<HasMetadata> forServiceAccount(String namespace, String serviceAccount) {
        return List.of(
                new RoleBuilder()
                        .withMetadata(metadata(ROLE_NAME, namespace))
                        .withRules(rules())
                        .build(),
                new RoleBindingBuilder()
                        .withMetadata(metadata(ROLE_NAME, namespace))
                        .withRoleRef(roleRef("Role", ROLE_NAME))
                        .withSubjects(serviceAccount(namespace, serviceAccount))
                        .build());
    }

    /** @return the name, the namespace ({@code null} for a cluster-scoped object) and the managed-by label */
    private static ObjectMeta metadata(String name, @Nullable String namespace) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(Map.of(Labels.MANAGED_BY, Labels.MANAGER))
                .build();
    }

    private static RoleRef roleRef(String kind, String name) {
        return new RoleRefBuilder()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind(kind)
                .withName(name)
                .build();
    }

    private static Subject serviceAccount(String namespace, String name) {
        return new SubjectBuilder()
                .withKind("ServiceAccount")
                .withName(name)
                .withNamespace(namespace)
                .build();
    }

    private static PolicyRule rule(String group, List<String> resources, List<String> verbs) {
        return new PolicyRuleBuilder()
                .withApiGroups(group)
                .withResources(resources)
                .withVerbs(verbs)
                .build();
    }
}
