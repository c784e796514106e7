using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fdt.Cli.Api;

/// <summary>Source-generated serializer for what every API answer may carry.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProblemDetails))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
