package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.github.rediskube.core.spec.RedisReplicationSpec;

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

    /** Only what {@code kubectl label pod} needs: get and patch on pods of the namespace. */
    static Role role(RedisReplicationSpec spec) {
        return new RoleBuilder()
                .withMetadata(Labels.metadata(spec, spec.names().roleLabeler(), Labels.common(spec)))
                .addNewRule()
                    .withApiGroups("")
                    .withResources("pods")
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
