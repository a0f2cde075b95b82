namespace OnnxDiffusion.Kernels;

/// <summary>
/// The device asked for explicitly (<c>--device cuda</c>) cannot be used on this machine. A condition of the machine,
/// not a bug: callers report its one-line message and stop.
/// </summary>
public sealed class DeviceUnavailableException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public DeviceUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
