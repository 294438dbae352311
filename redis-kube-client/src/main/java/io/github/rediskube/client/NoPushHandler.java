package io.github.rediskube.client;

import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.protocol.PushHandler;
import java.util.Collection;
import java.util.List;

/** The split connection has no RESP3 push channel of its own (each node connection has its own). */
enum NoPushHandler implements PushHandler {
    INSTANCE;

    @Override
    public void addListener(PushListener listener) {
    }

    @Override
    public void removeListener(PushListener listener) {
    }

    @Override
    public Collection<PushListener> getPushListeners() {
        return List.of();
    }
}
