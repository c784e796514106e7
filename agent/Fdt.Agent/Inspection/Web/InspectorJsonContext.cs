using System.Text.Json.Serialization;
using Fdt.Agent.Inspection.Replay;

namespace Fdt.Agent.Inspection.Web;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false)]
[JsonSerializable(typeof(ExchangeList))]
[JsonSerializable(typeof(ExchangeDetail))]
[JsonSerializable(typeof(ExchangeSummary))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(ReplayRequest))]
internal sealed partial class InspectorJsonContext : JsonSerializerContext;
