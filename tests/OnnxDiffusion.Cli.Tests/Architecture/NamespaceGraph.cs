using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace OnnxDiffusion.Cli.Tests.Architecture;

/// <summary>
/// Which namespaces the types of compiled assemblies use, read from their metadata: base types and interfaces, field,
/// method and local-variable signatures, and every type, method and field token in the method bodies' IL. Read from
/// the compiled output rather than the sources because <c>using</c> lines over- and under-state what code really calls
/// (fully qualified names, extension methods, global usings). Nested and compiler-generated types count for the
/// namespace of the type that holds them.
/// </summary>
public sealed class NamespaceGraph
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>Edges between namespaces, each with one example (user type → used type) for messages.</summary>
    public Dictionary<(string From, string To), string> Edges { get; } = new();

    /// <summary>Every namespace that declares a type in the assemblies read.</summary>
    public SortedSet<string> Namespaces { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds the dependencies of every type in the assembly file.</summary>
    public void Add(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var provider = new NameProvider(md);
        foreach (var handle in md.TypeDefinitions)
        {
            string from = NamespaceOf(md, handle);
            if (from.Length == 0)
                continue;
            Namespaces.Add(from);
            string fromType = FullName(md, handle);
            var used = new List<string>();
            var type = md.GetTypeDefinition(handle);
            if (!type.BaseType.IsNil)
                used.AddRange(provider.Of(type.BaseType));
            foreach (var i in type.GetInterfaceImplementations())
                used.AddRange(provider.Of(md.GetInterfaceImplementation(i).Interface));
            foreach (var f in type.GetFields())
                used.AddRange(md.GetFieldDefinition(f).DecodeSignature(provider, null));
            foreach (var m in type.GetMethods())
            {
                var method = md.GetMethodDefinition(m);
                var sig = method.DecodeSignature(provider, null);
                used.AddRange(sig.ReturnType);
                foreach (var p in sig.ParameterTypes)
                    used.AddRange(p);
                if (method.RelativeVirtualAddress == 0)
                    continue;
                var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                if (!body.LocalSignature.IsNil)
                    foreach (var local in md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null))
                        used.AddRange(local);
                try
                {
                    foreach (var token in Tokens(body.GetILReader()))
                        used.AddRange(provider.Of(MetadataTokens.EntityHandle(token)));
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{fromType}.{md.GetString(method.Name)}: {e.Message}");
                }
            }
            foreach (var name in used)
            {
                string to = name[..Math.Max(0, name.LastIndexOf('.'))];
                if (to.Length > 0 && to != from)
                    Edges.TryAdd((from, to), $"{fromType} → {name}");
            }
        }
    }

    /// <summary>The namespaces <paramref name="from"/> uses directly.</summary>
    public IEnumerable<string> Uses(string from) => Edges.Keys.Where(e => e.From == from).Select(e => e.To);

    /// <summary>
    /// Strongly connected sets of more than one namespace among those matching <paramref name="include"/> (Tarjan's
    /// algorithm): each is a cycle of namespace dependencies.
    /// </summary>
    public List<List<string>> Cycles(Func<string, bool> include)
    {
        var nodes = Namespaces.Where(include).ToList();
        var next = nodes.ToDictionary(n => n, n => Uses(n).Where(include).Distinct().ToList());
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in next.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }
            if (low[v] != index[v])
                return;
            var set = new List<string>();
            string u;
            do
            {
                u = stack.Pop();
                onStack.Remove(u);
                set.Add(u);
            } while (u != v);
            if (set.Count > 1)
                result.Add(set.Order(StringComparer.Ordinal).ToList());
        }
        foreach (var n in nodes)
            if (!index.ContainsKey(n))
                Visit(n);
        return result;
    }

    private static IEnumerable<int> Tokens(BlobReader il)
    {
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
                code = unchecked((short)(0xFE00 | il.ReadByte()));
            if (!OperandTypes.TryGetValue(code, out var operand))
                throw new InvalidDataException($"opcode 0x{code:X} at IL offset {il.Offset - 1}");
            switch (operand)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    yield return il.ReadInt32();
                    break;
                case OperandType.InlineSwitch:
                    int targets = il.ReadInt32(); // read before the offset below is taken
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                default: // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    il.Offset += 4;
                    break;
            }
        }
    }

    private static string NamespaceOf(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        var outer = type.GetDeclaringType();
        return outer.IsNil ? md.GetString(type.Namespace) : NamespaceOf(md, outer);
    }

    private static string FullName(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        var outer = type.GetDeclaringType();
        return outer.IsNil ? $"{md.GetString(type.Namespace)}.{md.GetString(type.Name)}" : $"{FullName(md, outer)}+{md.GetString(type.Name)}";
    }

    private static string FullName(MetadataReader md, TypeReferenceHandle handle)
    {
        var type = md.GetTypeReference(handle);
        return type.ResolutionScope.Kind == HandleKind.TypeReference
            ? $"{FullName(md, (TypeReferenceHandle)type.ResolutionScope)}+{md.GetString(type.Name)}"
            : $"{md.GetString(type.Namespace)}.{md.GetString(type.Name)}";
    }

    /// <summary>Names the types in signatures as "Namespace.Type" (nested types under their outermost type's namespace).</summary>
    private sealed class NameProvider(MetadataReader md) : ISignatureTypeProvider<ImmutableArray<string>, object?>
    {
        public IEnumerable<string> Of(EntityHandle handle) => handle.Kind switch
        {
            HandleKind.TypeDefinition => [Outermost(FullName(md, (TypeDefinitionHandle)handle))],
            HandleKind.TypeReference => [Outermost(FullName(md, (TypeReferenceHandle)handle))],
            HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null),
            HandleKind.MethodDefinition => Of(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()),
            HandleKind.FieldDefinition => Of(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()),
            HandleKind.MemberReference => OfMember((MemberReferenceHandle)handle),
            HandleKind.MethodSpecification => OfMethodSpec((MethodSpecificationHandle)handle),
            _ => [],
        };

        private IEnumerable<string> OfMember(MemberReferenceHandle handle)
        {
            var member = md.GetMemberReference(handle);
            var names = new List<string>(Of(member.Parent));
            if (member.GetKind() == MemberReferenceKind.Method)
            {
                var sig = member.DecodeMethodSignature(this, null);
                names.AddRange(sig.ReturnType);
                foreach (var p in sig.ParameterTypes)
                    names.AddRange(p);
            }
            else
            {
                names.AddRange(member.DecodeFieldSignature(this, null));
            }
            return names;
        }

        private IEnumerable<string> OfMethodSpec(MethodSpecificationHandle handle)
        {
            var spec = md.GetMethodSpecification(handle);
            return Of(spec.Method).Concat(spec.DecodeSignature(this, null).SelectMany(a => a));
        }

        // "A.B.Outer+Inner" → "A.B.Outer": the namespace is what precedes the outermost type.
        private static string Outermost(string name) => name.Split('+')[0];

        public ImmutableArray<string> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            [Outermost(FullName(reader, handle))];

        public ImmutableArray<string> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
            [Outermost(FullName(reader, handle))];

        public ImmutableArray<string> GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);

        public ImmutableArray<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
        public ImmutableArray<string> GetSZArrayType(ImmutableArray<string> elementType) => elementType;
        public ImmutableArray<string> GetArrayType(ImmutableArray<string> elementType, ArrayShape shape) => elementType;
        public ImmutableArray<string> GetByReferenceType(ImmutableArray<string> elementType) => elementType;
        public ImmutableArray<string> GetPointerType(ImmutableArray<string> elementType) => elementType;
        public ImmutableArray<string> GetPinnedType(ImmutableArray<string> elementType) => elementType;
        public ImmutableArray<string> GetGenericInstantiation(ImmutableArray<string> genericType, ImmutableArray<ImmutableArray<string>> typeArguments) =>
            genericType.AddRange(typeArguments.SelectMany(a => a));
        public ImmutableArray<string> GetGenericMethodParameter(object? genericContext, int index) => [];
        public ImmutableArray<string> GetGenericTypeParameter(object? genericContext, int index) => [];
        public ImmutableArray<string> GetFunctionPointerType(MethodSignature<ImmutableArray<string>> signature) =>
            signature.ReturnType.AddRange(signature.ParameterTypes.SelectMany(p => p));
        public ImmutableArray<string> GetModifiedType(ImmutableArray<string> modifier, ImmutableArray<string> unmodifiedType, bool isRequired) => unmodifiedType;
    }
}
