using Fdt.Cli;
using Fdt.Protocol.Transport;

RuntimeTuning.Apply();
return await CliApplication.RunAsync(args, CliContext.CreateDefault());
