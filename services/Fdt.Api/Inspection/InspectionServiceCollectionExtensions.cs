using Fdt.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Fdt.Api.Inspection;

/// <summary>Registers the inspector's options, payload store and (default) replay gateway.</summary>
public static class InspectionServiceCollectionExtensions
{
    public static IServiceCollection AddFdtInspectionStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<InspectionOptions>().BindConfiguration(InspectionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IReplayGateway, NoReplayGateway>();
        services.TryAddSingleton<IPayloadStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<InspectionOptions>>().Value;
            return options.Store switch
            {
                "filesystem" => new FileSystemPayloadStore(Path.Combine(sp.GetRequiredService<DataOptions>().Directory ?? Environment.CurrentDirectory, "payloads")),
                "s3" => new S3PayloadStore(options.S3),
                var other => throw new InvalidOperationException($"Inspection:Store '{other}' is not filesystem or s3."),
            };
        });
        return services;
    }
}
