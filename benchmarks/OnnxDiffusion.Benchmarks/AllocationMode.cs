using ILGPU;
using ILGPU.Runtime;
using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// <c>allocs</c>: where a steady-state step allocates. [MemoryDiagnoser] gives one number per benchmark; this
/// splits a guided DDIM step into its parts and measures each with <see cref="GC.GetTotalAllocatedBytes(bool)"/>
/// (all threads, precise) over many calls after a warm-up. The step's own share is the difference between a
/// two-step and a one-step loop run, so per-run costs (uploading ids and x, the final download) cancel out.
/// </summary>
public static class AllocationMode
{
    /// <summary>Runs the mode; returns the exit code.</summary>
    public static int Run(CliArgs args)
    {
        int batch = args.Int("batch", 1);
        int calls = args.Int("calls", 200);
        args.RejectUnknown();

        string dir = RepoPaths.ModelDirectory;
        var schedule = new NoiseSchedule(SchedulerConfig.Load(Path.Combine(dir, "scheduler_config.json")));
        using var device = KernelAccelerator.Create(DeviceKind.Cpu);
        var kernels = new DiffusionKernels(device);
        var options = new DenoiserOptions { Device = DeviceKind.Cpu, GuidanceScale = 2.0 };
        using var denoiser = new OnnxDenoiser(dir, options, kernels);
        using var loop = new DiffusionLoop(kernels, denoiser, schedule, new DdimSampler(), batch);
        using var so = OnnxDenoiser.CreateSessionOptions(options);
        using var session = new InferenceSession(denoiser.OnnxPath, so);
        using var runOptions = new RunOptions();
        using var forward = new ForwardInputs(denoiser.Manifest, 2 * batch);
        using var binding = forward.Bind(session);

        int s = denoiser.SampleSize, n = batch * s;
        var acc = device.Accelerator;
        using var x = acc.Allocate1D<float>(2 * n);
        using var o = acc.Allocate1D<float>(2 * n);
        using var ids = acc.Allocate1D<long>(batch);
        var host = new float[2 * n];
        var c = new DdimSampler().Coefficients(schedule, 480, 440, 0);
        var samples = new float[n];
        var labels = Conditioning.Classes(Enumerable.Range(0, batch).Select(i => (long)(i % 10)).ToArray(), denoiser.Manifest.NullClass);
        var t = Enumerable.Repeat(480L, batch).ToArray();
        var outBuf = new float[n];
        var sampleIds = Enumerable.Range(0, batch).Select(i => (long)i).ToArray();
        var oneStep = new DiffusionJob([480], sampleIds, labels, 1, 0, StartFrom.Given);
        var twoSteps = new DiffusionJob([480, 440], sampleIds, labels, 1, 0, StartFrom.Given);

        // (all threads, calling thread): the difference is allocated elsewhere, e.g. by the accelerator's workers.
        (double All, double Caller) Measure(Action a)
        {
            for (int i = 0; i < 20; i++)
                a();
            long all = GC.GetTotalAllocatedBytes(true);
            long caller = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
                a();
            return ((GC.GetTotalAllocatedBytes(true) - all) / (double)calls,
                (GC.GetAllocatedBytesForCurrentThread() - caller) / (double)calls);
        }

        Console.WriteLine($"allocs: bytes per call, batch {batch} (guided: {2 * batch} rows), mean over {calls} calls after 20 warm-up calls");
        Console.WriteLine($"  {"",-64} {"all threads",12} {"this thread",12}");
        void Report(string what, (double All, double Caller) b) =>
            Console.WriteLine($"  {what,-64} {b.All,10:0} B {b.Caller,10:0} B");
        Report("InferenceSession.Run, preallocated OrtValues", Measure(() => forward.Run(session, runOptions)));
        Report("InferenceSession.RunWithBinding (IOBinding)", Measure(() => session.RunWithBinding(runOptions, binding)));
        Report("ILGPU CopyFromCPU (host → accelerator buffer)", Measure(() => x.View.SubView(0, n).CopyFromCPU(ref host[0], n)));
        Report("ILGPU CopyToCPU (accelerator buffer → host)", Measure(() => x.View.SubView(0, n).CopyToCPU(ref host[0], n)));
        Report("ILGPU DDIM step kernel launch + Synchronize", Measure(() =>
        {
            kernels.Step(x.View.SubView(0, n), o.View.SubView(0, n), ids.View, s, c, new NoiseKey(1, 480));
            kernels.Synchronize();
        }));
        Report("ILGPU guidance kernel launch + Synchronize", Measure(() =>
        {
            kernels.CombineGuidance(o.View, 2f);
            kernels.Synchronize();
        }));
        Report("loop body without the model, GPU style (sync, 2 copies, step)", Measure(() =>
        {
            kernels.Synchronize();
            x.View.SubView(0, n).CopyToCPU(ref host[0], n);
            o.View.SubView(0, n).CopyFromCPU(ref host[0], n);
            kernels.Step(x.View.SubView(0, n), o.View.SubView(0, n), ids.View, s, c, new NoiseKey(1, 480));
        }));
        Report("loop body without the model, CPU accelerator (sync, step)", Measure(() =>
        {
            kernels.Synchronize();
            kernels.Step(x.View.SubView(0, n), o.View.SubView(0, n), ids.View, s, c, new NoiseKey(1, 480));
        }));
        Report("OnnxDenoiser.Predict, guided (IOBinding runs, guidance launch)", Measure(() => denoiser.Predict(samples, t, labels, outBuf)));
        var one = Measure(() => loop.Run(oneStep, samples));
        var two = Measure(() => loop.Run(twoSteps, samples));
        Report("DiffusionLoop.Run, one-step job", one);
        Report("DiffusionLoop.Run, two-step job", two);
        Report("=> one steady-state step (two-step − one-step)", (two.All - one.All, two.Caller - one.Caller));
        return 0;
    }
}
