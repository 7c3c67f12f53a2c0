package io.apppasswords.keycloak.linkage;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What the JVM would fail to link if our classes ran on another Keycloak: every class, method and field of
 * {@code org.keycloak} they use must exist there with the same descriptor, kind (static or not, interface or
 * class), and every abstract method of a Keycloak type we implement must be implemented. A compile against
 * an older Keycloak would miss a changed return type or parameter type that the source happens to fit.
 */
final class KeycloakLinkage {

    private static final String CHECKED_PREFIX = "org/keycloak/";

    /** Class files by internal name: ours, then the Keycloak jars. */
    private final Map<String, byte[]> classes = new HashMap<>();
    private final Map<String, Node> nodes = new HashMap<>();
    private final Set<String> ours = new HashSet<>();

    private KeycloakLinkage() {
    }

    /** Problems found for the class files under {@code ourClasses} against the jars in {@code keycloakJars}. */
    static Set<String> problems(Path ourClasses, Path keycloakJars) {
        KeycloakLinkage linkage = new KeycloakLinkage();
        linkage.addJars(keycloakJars);
        linkage.addOurs(ourClasses);
        Set<String> problems = new TreeSet<>();
        for (String name : linkage.ours) {
            linkage.check(name, problems);
        }
        return problems;
    }

    private void addJars(Path dir) {
        try (Stream<Path> jars = Files.list(dir)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    var entries = file.entries();
                    while (entries.hasMoreElements()) {
                        var entry = entries.nextElement();
                        String entryName = entry.getName();
                        if (entryName.startsWith(CHECKED_PREFIX) && entryName.endsWith(".class")) {
                            try (InputStream in = file.getInputStream(entry)) {
                                classes.putIfAbsent(entryName.substring(0, entryName.length() - 6), in.readAllBytes());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void addOurs(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('\\', '/');
                name = name.substring(0, name.length() - 6);
                classes.put(name, Files.readAllBytes(file));
                ours.add(name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A type's header and members, enough to resolve references as the JVM does. */
    private record Node(String name, int access, String superName, List<String> interfaces,
                        Map<String, Integer> methods, Map<String, Integer> fields) {
        boolean isInterface() {
            return (access & Opcodes.ACC_INTERFACE) != 0;
        }
    }

    /** Null for a library type (Jakarta, Jackson, ...): its members are taken on trust. */
    private Node node(String name) {
        if (nodes.containsKey(name)) {
            return nodes.get(name);
        }
        byte[] bytes = classes.get(name);
        Node node = null;
        if (bytes == null && name.startsWith("java/")) {
            node = jdkNode(name);
        } else if (bytes != null) {
            ClassReader reader = new ClassReader(bytes);
            Map<String, Integer> methods = new HashMap<>();
            Map<String, Integer> fields = new HashMap<>();
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String n, String d, String s, String[] e) {
                    methods.put(n + d, access);
                    return null;
                }

                @Override
                public FieldVisitor visitField(int access, String n, String d, String s, Object v) {
                    fields.put(n + ":" + d, access);
                    return null;
                }
            }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            node = new Node(name, reader.getAccess(), reader.getSuperName(), List.of(reader.getInterfaces()),
                    methods, fields);
        }
        nodes.put(name, node);
        return node;
    }

    /** A JDK type as the running JDK has it (Keycloak 26 runs on 17 or later). */
    private static Node jdkNode(String name) {
        Class<?> type;
        try {
            type = Class.forName(name.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
        Map<String, Integer> methods = new HashMap<>();
        for (Method method : type.getDeclaredMethods()) {
            methods.put(method.getName() + Type.getMethodDescriptor(method), method.getModifiers());
        }
        Map<String, Integer> fields = new HashMap<>();
        for (Field field : type.getDeclaredFields()) {
            fields.put(field.getName() + ":" + Type.getDescriptor(field.getType()), field.getModifiers());
        }
        int access = type.getModifiers() | (type.isInterface() ? Opcodes.ACC_INTERFACE : 0);
        String superName = type.getSuperclass() == null ? null : Type.getInternalName(type.getSuperclass());
        if (superName == null && type.isInterface()) {
            superName = "java/lang/Object"; // as in a class file: interfaces resolve Object's methods too
        }
        List<String> interfaces = Arrays.stream(type.getInterfaces()).map(Type::getInternalName).toList();
        return new Node(name, access, superName, interfaces, methods, fields);
    }

    private static boolean checked(String name) {
        return name.startsWith(CHECKED_PREFIX);
    }

    private void check(String className, Set<String> problems) {
        Node self = node(className);
        String where = className.replace('/', '.');
        if (self.superName() != null) {
            requireClass(self.superName(), where, problems);
        }
        self.interfaces().forEach(i -> requireClass(i, where, problems));
        checkAbstractMethodsImplemented(self, where, problems);

        new ClassReader(classes.get(className)).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                requireTypes(Type.getType(descriptor), where, problems);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                String at = where + "." + name;
                requireTypes(Type.getMethodType(descriptor), at, problems);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                        requireMethod(owner, n, d, opcode == Opcodes.INVOKESTATIC, itf, at, problems);
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String n, String d) {
                        requireField(owner, n, d, at, problems);
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        requireTypes(Type.getObjectType(type), at, problems);
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        if (value instanceof Type type) {
                            requireTypes(type, at, problems);
                        }
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                        for (Object arg : args) {
                            if (arg instanceof Handle h && h.getTag() >= Opcodes.H_INVOKEVIRTUAL) {
                                requireMethod(h.getOwner(), h.getName(), h.getDesc(),
                                        h.getTag() == Opcodes.H_INVOKESTATIC, h.isInterface(), at, problems);
                            }
                        }
                    }

                    @Override
                    public void visitTryCatchBlock(org.objectweb.asm.Label s, org.objectweb.asm.Label e,
                                                   org.objectweb.asm.Label h, String type) {
                        if (type != null) {
                            requireClass(type, at, problems);
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    }

    private void requireTypes(Type type, String where, Set<String> problems) {
        switch (type.getSort()) {
            case Type.ARRAY -> requireTypes(type.getElementType(), where, problems);
            case Type.OBJECT -> requireClass(type.getInternalName(), where, problems);
            case Type.METHOD -> {
                requireTypes(type.getReturnType(), where, problems);
                for (Type argument : type.getArgumentTypes()) {
                    requireTypes(argument, where, problems);
                }
            }
            default -> {
            }
        }
    }

    private void requireClass(String name, String where, Set<String> problems) {
        if (checked(name) && node(name) == null) {
            problems.add(where + ": missing class " + name.replace('/', '.'));
        }
    }

    private void requireMethod(String owner, String name, String descriptor, boolean isStatic, boolean itf,
                               String where, Set<String> problems) {
        if (owner.startsWith("[")) {
            return; // clone() of an array
        }
        Node node = node(owner);
        if (node == null) {
            requireClass(owner, where, problems);
            return;
        }
        if (!checked(owner) && !ours.contains(owner)) {
            return;
        }
        String method = owner.replace('/', '.') + "." + name + descriptor;
        if (node.isInterface() != itf) {
            problems.add(where + ": " + owner.replace('/', '.') + " is " + (node.isInterface() ? "an interface" : "a class")
                    + " here");
            return;
        }
        Integer access = lookup(node, name + descriptor, true);
        if (access == null) {
            problems.add(where + ": missing method " + method);
        } else if (access != UNKNOWN && ((access & Opcodes.ACC_STATIC) != 0) != isStatic) {
            problems.add(where + ": " + method + (isStatic ? " is not static" : " is static") + " here");
        }
    }

    private void requireField(String owner, String name, String descriptor, String where, Set<String> problems) {
        Node node = node(owner);
        if (node == null) {
            requireClass(owner, where, problems);
            return;
        }
        if ((checked(owner) || ours.contains(owner)) && lookup(node, name + ":" + descriptor, false) == null) {
            problems.add(where + ": missing field " + owner.replace('/', '.') + "." + name + " " + descriptor);
        }
    }

    /** Access flags of the member as found from {@code start} up, or {@link #UNKNOWN} if the search left the checked world. */
    private static final int UNKNOWN = -1;

    private Integer lookup(Node start, String key, boolean method) {
        Deque<String> todo = new ArrayDeque<>(List.of(start.name()));
        Set<String> seen = new HashSet<>();
        boolean leftCheckedWorld = false;
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (!seen.add(name)) {
                continue;
            }
            Node node = node(name);
            if (node == null) {
                leftCheckedWorld = true;
                continue;
            }
            Integer access = (method ? node.methods() : node.fields()).get(key);
            if (access != null) {
                return access;
            }
            if (node.superName() != null) {
                todo.add(node.superName());
            }
            todo.addAll(node.interfaces());
        }
        return leftCheckedWorld ? Integer.valueOf(UNKNOWN) : null;
    }

    /** An abstract method of a Keycloak supertype that nothing in a concrete class's hierarchy implements. */
    private void checkAbstractMethodsImplemented(Node self, String where, Set<String> problems) {
        if ((self.access() & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_INTERFACE)) != 0) {
            return;
        }
        Set<String> implemented = new HashSet<>();
        List<Node> supertypes = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>(List.of(self.name()));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Node node = node(todo.pop());
            if (node == null || !seen.add(node.name())) {
                continue;
            }
            supertypes.add(node);
            node.methods().forEach((key, access) -> {
                if ((access & Opcodes.ACC_ABSTRACT) == 0) {
                    implemented.add(key);
                }
            });
            if (node.superName() != null) {
                todo.add(node.superName());
            }
            todo.addAll(node.interfaces());
        }
        for (Node type : supertypes) {
            if (!checked(type.name())) {
                continue;
            }
            type.methods().forEach((key, access) -> {
                if ((access & Opcodes.ACC_ABSTRACT) != 0 && !implemented.contains(key)) {
                    problems.add(where + ": does not implement " + type.name().replace('/', '.') + "." + key);
                }
            });
        }
    }
}
