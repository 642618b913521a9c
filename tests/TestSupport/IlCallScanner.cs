using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace MusicCluster.TestSupport;

/// <summary>One call instruction in a compiled method: who calls (type::method) and what (type::method(parameters)).</summary>
public sealed record IlCall(string Caller, string Callee)
{
    public override string ToString() => $"{Caller} calls {Callee}";
}

/// <summary>
/// Lists the methods a compiled assembly calls, read from its IL (call, callvirt, newobj, ldftn). Used by tests that
/// forbid calls a code review would miss, such as TorchSharp's implicit Scalar conversions (see TorchScalarRules).
/// </summary>
public static class IlCallScanner
{
    private static readonly Dictionary<ushort, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => unchecked((ushort)code.Value));

    public static IReadOnlyList<IlCall> Calls(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var calls = new List<IlCall>();
        foreach (var typeHandle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(typeHandle);
            string typeName = TypeDefinitionName(metadata, typeHandle);
            foreach (var methodHandle in type.GetMethods())
            {
                var method = metadata.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0) continue;
                string caller = $"{typeName}::{metadata.GetString(method.Name)}";
                var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                foreach (int token in CallTokens(body.GetILBytes()!))
                    calls.Add(new IlCall(caller, Describe(metadata, MetadataTokens.EntityHandle(token))));
            }
        }
        return calls;
    }

    private static IEnumerable<int> CallTokens(byte[] il)
    {
        int offset = 0;
        while (offset < il.Length)
        {
            ushort value = il[offset] == 0xFE ? (ushort)(0xFE00 | il[offset + 1]) : il[offset];
            offset += value > 0xFF ? 2 : 1;
            OpCode code = OpCodesByValue[value];
            if (code.OperandType == OperandType.InlineMethod) yield return BitConverter.ToInt32(il, offset);
            offset += code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, offset),
                _ => 4,
            };
        }
    }

    private static string Describe(MetadataReader metadata, EntityHandle handle)
    {
        var names = new TypeNames(metadata);
        switch (handle.Kind)
        {
            case HandleKind.MethodSpecification:
                return Describe(metadata, metadata.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
            case HandleKind.MethodDefinition:
                {
                    var method = metadata.GetMethodDefinition((MethodDefinitionHandle)handle);
                    var signature = method.DecodeSignature(names, null);
                    return $"{TypeDefinitionName(metadata, method.GetDeclaringType())}::{metadata.GetString(method.Name)}({string.Join(", ", signature.ParameterTypes)})";
                }
            case HandleKind.MemberReference:
                {
                    var member = metadata.GetMemberReference((MemberReferenceHandle)handle);
                    var signature = member.DecodeMethodSignature(names, null);
                    string parent = member.Parent.Kind switch
                    {
                        HandleKind.TypeReference => TypeReferenceName(metadata, (TypeReferenceHandle)member.Parent),
                        HandleKind.TypeDefinition => TypeDefinitionName(metadata, (TypeDefinitionHandle)member.Parent),
                        HandleKind.TypeSpecification => metadata.GetTypeSpecification((TypeSpecificationHandle)member.Parent).DecodeSignature(names, null),
                        _ => member.Parent.Kind.ToString(),
                    };
                    return $"{parent}::{metadata.GetString(member.Name)}({string.Join(", ", signature.ParameterTypes)})";
                }
            default:
                return handle.Kind.ToString();
        }
    }

    private static string TypeDefinitionName(MetadataReader metadata, TypeDefinitionHandle handle)
    {
        var type = metadata.GetTypeDefinition(handle);
        string name = metadata.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil) return $"{TypeDefinitionName(metadata, declaring)}+{name}";
        string space = metadata.GetString(type.Namespace);
        return space.Length == 0 ? name : $"{space}.{name}";
    }

    private static string TypeReferenceName(MetadataReader metadata, TypeReferenceHandle handle)
    {
        var type = metadata.GetTypeReference(handle);
        string name = metadata.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
            return $"{TypeReferenceName(metadata, (TypeReferenceHandle)type.ResolutionScope)}+{name}";
        string space = metadata.GetString(type.Namespace);
        return space.Length == 0 ? name : $"{space}.{name}";
    }

    /// <summary>Type names for signatures, enough to tell overloads apart (TorchSharp.torch+Tensor, System.Double, ...).</summary>
    private sealed class TypeNames(MetadataReader metadata) : ISignatureTypeProvider<string, object?>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode;
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => TypeDefinitionName(metadata, handle);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => TypeReferenceName(metadata, handle);
        public string GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => $"{genericType}<{string.Join(",", typeArguments)}>";
        public string GetGenericMethodParameter(object? context, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? context, int index) => "!" + index;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
    }
}
