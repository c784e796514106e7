using System.Text.Json.Serialization;

namespace Fdt.Protocol.Control;

/// <summary>Source-generated serializer for control messages (no reflection on the wire path).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(ControlMessage))]
[JsonSerializable(typeof(TunnelPolicyRequest))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
