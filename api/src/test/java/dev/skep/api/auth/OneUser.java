package dev.skep.api.auth;

import dev.skep.model.UserRecord;
import dev.skep.model.UserStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A user store holding one user, for tests that check tokens (changes are not theirs to make). */
public record OneUser(UserRecord user) implements UserStore {
    @Override
    public Optional<UserRecord> user(String name) {
        return name.equals(user.name()) ? Optional.of(user) : Optional.empty();
    }

    @Override
    public List<UserRecord> users() {
        return new ArrayList<>(List.of(user));
    }

    @Override
    public void createUser(UserRecord u) {
        throw new UnsupportedOperationException();
    }

    @Override
    public UserRecord updateUser(String name, UnaryOperator<UserRecord> change) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void deleteUser(String name) {
        throw new UnsupportedOperationException();
    }
}
