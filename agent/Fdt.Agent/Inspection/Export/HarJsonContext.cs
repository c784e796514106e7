using System.Text.Json.Serialization;

namespace Fdt.Agent.Inspection.Export;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(HarDocument))]
internal sealed partial class HarJsonContext : JsonSerializerContext;
