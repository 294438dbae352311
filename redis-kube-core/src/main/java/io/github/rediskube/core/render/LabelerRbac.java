package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * The role-label sidecar's identity and rights in Sentinel mode: a ServiceAccount whose token is mounted
 * into the sidecar only, and a Role allowing exactly what {@code kubectl label pod} needs.
 */
final class LabelerRbac {

    private LabelerRbac() {
    }

    static ServiceAccount serviceAccount(RedisReplicationSpec spec) {
        return new ServiceAccountBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().roleLabeler(), Labels.common(spec)))
                .withAutomountServiceAccountToken(false)
                .build();
    }

    /**
     * Only what {@code kubectl label pod} needs: get and patch, on this deployment's Redis pods by name —
     * the master pod and every replica pod the spec allows ({@value RedisReplicationSpec#MAX_REPLICAS}), so
     * scaling, also through a handle without the spec, never needs the Role re-rendered.
     */
    static io.fabric8.kubernetes.api.model.rbac.Role role(RedisReplicationSpec spec) {
        List<String> pods = new ArrayList<>();
        pods.add(spec.names().pod(Role.MASTER, 0));
        for (int i = 0; i < RedisReplicationSpec.MAX_REPLICAS; i++) {
            pods.add(spec.names().pod(Role.REPLICA, i));
        }
        return new RoleBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().roleLabeler(), Labels.common(spec)))
                .addNewRule()
                    .withApiGroups("")
                    .withResources("pods")
                    .withResourceNames(pods)
                    .withVerbs("get", "patch")
                .endRule()
                .build();
    }

    static RoleBinding roleBinding(RedisReplicationSpec spec) {
        String name = spec.names().roleLabeler();
        return new RoleBindingBuilder()
                .withMetadata(Labels.metadata(spec, name, Labels.common(spec)))
                .withNewRoleRef()
                    .withApiGroup("rbac.authorization.k8s.io")
                    .withKind("Role")
                    .withName(name)
                .endRoleRef()
                .addNewSubject()
                    .withKind("ServiceAccount")
                    .withName(name)
                    .withNamespace(spec.namespace())
                .endSubject()
                .build();
    }
}
