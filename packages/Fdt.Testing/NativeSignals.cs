using System.Runtime.InteropServices;

namespace Fdt.Testing;

internal static partial class NativeSignals
{
    public const int SigInt = 2;

    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
