package io.github.rediskube.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a master's {@code INFO replication} the topology needs: its role and the replicas in
 * state {@code online}, as they announce themselves ({@code replica-announce-ip}, e.g. the pod's DNS name).
 *
 * @param role           {@code master} or {@code slave}
 * @param onlineReplicas the online replicas' announced addresses, in the master's order
 */
record ReplicationInfo(String role, List<RedisEndpoints.Address> onlineReplicas) {

    static ReplicationInfo parse(String info) {
        String role = "unknown";
        List<RedisEndpoints.Address> replicas = new ArrayList<>();
        for (String raw : info.split("\r?\n")) {
            String line = raw.strip();
            if (line.startsWith("role:")) {
                role = line.substring("role:".length());
            } else if (line.matches("slave\\d+:.*")) {
                Map<String, String> fields = new HashMap<>();
                for (String pair : line.substring(line.indexOf(':') + 1).split(",")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        fields.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
                if ("online".equals(fields.get("state")) && fields.containsKey("ip") && fields.containsKey("port")) {
                    replicas.add(new RedisEndpoints.Address(fields.get("ip"), Integer.parseInt(fields.get("port"))));
                }
            }
        }
        return new ReplicationInfo(role, List.copyOf(replicas));
    }

    boolean master() {
        return "master".equals(role);
    }
}
