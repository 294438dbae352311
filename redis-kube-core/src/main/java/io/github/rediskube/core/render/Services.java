package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Service primitives: a Service of a type, a headless Service, and a named TCP port. */
final class Services {

    private Services() {
    }

    /** @return TCP port {@code port} named {@code name}, targeting the container port of that name */
    static ServicePort port(String name, int port, @Nullable Integer nodePort) {
        return new ServicePortBuilder()
                .withName(name)
                .withPort(port)
                .withTargetPort(new IntOrString(name))
                .withProtocol("TCP")
                .withNodePort(nodePort)
                .build();
    }

    static ServicePort port(String name, int port) {
        return port(name, port, null);
    }

    static Service of(ObjectMeta metadata, String type, Map<String, String> selector, List<ServicePort> ports) {
        return new ServiceBuilder()
                .withMetadata(metadata)
                .withNewSpec()
                    .withType(type)
                    .withSelector(selector)
                    .withPorts(ports)
                .endSpec()
                .build();
    }

    /**
     * @return a headless Service giving every selected pod its stable DNS name, published before the pods are
     *         ready (so that peers find each other while they start)
     */
    static Service headless(ObjectMeta metadata, Map<String, String> selector, List<ServicePort> ports) {
        return new ServiceBuilder()
                .withMetadata(metadata)
                .withNewSpec()
                    .withType("ClusterIP")
                    .withClusterIP("None")
                    .withPublishNotReadyAddresses(true)
                    .withSelector(selector)
                    .withPorts(ports)
                .endSpec()
                .build();
    }
}
