using Microsoft.ML.OnnxRuntime;

namespace OnnxDiffusion.Models;

/// <summary>
/// Runs a call's rows through the sessions side by side: session k takes the k-th contiguous range of rows, cut into
/// runs of at most the micro-batch (<see cref="DenoiserOptions.MicroBatch"/> says why), over tensors bound once per row
/// count on the feeds' and the output's host memory, so that a steady-state call allocates nothing here.
/// </summary>
internal sealed class SessionRuns : IDisposable
{
    private readonly DenoiserSessions _sessions;
    private readonly InputFeed[] _feeds;
    private readonly ModelOutput _output;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions[] _runOptions;
    private readonly ParallelRuns _parallel;
    private readonly Dictionary<int, Binding[][]> _bindings = new();
    private Binding[][] _current = [];

    /// <summary>Runs over <paramref name="sessions"/>, fed by <paramref name="feeds"/>, writing <paramref name="output"/>.</summary>
    public SessionRuns(DenoiserSessions sessions, InputFeed[] feeds, ModelOutput output)
    {
        _sessions = sessions;
        _feeds = feeds;
        _output = output;
        _inputNames = feeds.Select(f => f.Name).ToArray();
        _outputNames = [output.Name];
        _runOptions = sessions.Sessions.Select(_ => new RunOptions()).ToArray();
        _parallel = new ParallelRuns(sessions.Sessions.Length, RunChunk, "onnx session");
    }

    /// <summary>Runs rows [0, <paramref name="rows"/>) of the feeds' memory into the output's.</summary>
    public void Run(int rows)
    {
        _current = GetBindings(rows);
        _parallel.Run(_current.Length);
    }

    /// <summary>Drops the bound tensors: the feeds and the output are about to move to new memory.</summary>
    public void Unbind()
    {
        foreach (var chunks in _bindings.Values)
            foreach (var runs in chunks)
                foreach (var b in runs)
                    b.Dispose();
        _bindings.Clear();
        _current = [];
    }

    private void RunChunk(int chunk)
    {
        var session = _sessions.Sessions[chunk];
        foreach (var binding in _current[chunk])
        {
            foreach (var feed in _feeds)
                feed.ToGraph(binding.First, binding.Rows);
            if (binding.Io is { } io)
                session.RunWithBinding(_runOptions[chunk], io);
            else
                session.Run(_runOptions[chunk], _inputNames, binding.Inputs, _outputNames, binding.Outputs);
            _output.FromGraph(binding.First, binding.Rows);
        }
    }

    /// <summary>
    /// The tensors of each session's row range for a call of <paramref name="rows"/> rows, cut into runs of at most
    /// the micro-batch; made once per row count.
    /// </summary>
    private Binding[][] GetBindings(int rows)
    {
        if (_bindings.TryGetValue(rows, out var existing))
            return existing;
        int chunks = Math.Min(_sessions.Sessions.Length, rows);
        var bindings = new Binding[chunks][];
        for (int k = 0; k < chunks; k++)
        {
            int first = (int)((long)k * rows / chunks);
            int count = (int)((long)(k + 1) * rows / chunks) - first;
            int runs = 1 + (count - 1) / _sessions.MicroBatch; // no overflow for the unlimited (int.MaxValue) micro-batch of CUDA
            bindings[k] = new Binding[runs];
            for (int r = 0; r < runs; r++)
            {
                // Even runs (e.g. 13 + 13 + 12 rather than 16 + 16 + 6).
                int a = first + (int)((long)r * count / runs);
                int b = first + (int)((long)(r + 1) * count / runs);
                bindings[k][r] = Bind(_sessions.Sessions[k], a, b - a);
            }
        }
        _bindings[rows] = bindings;
        return bindings;
    }

    private Binding Bind(InferenceSession session, int first, int rows)
    {
        var inputs = new OrtValue[_feeds.Length];
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = _feeds[i].Tensor(first, rows);
        return new Binding(session, inputs, [_output.Tensor(first, rows)], _inputNames, _outputNames, _sessions.BindsIo, first, rows);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _parallel.Dispose();
        Unbind();
        foreach (var ro in _runOptions)
            ro.Dispose();
    }

    /// <summary>
    /// One session's tensors for one row range. With <see cref="DenoiserSessions.BindsIo"/> they are also bound in an
    /// IOBinding, whose run allocates nothing (the plain Run builds name and handle arrays per call).
    /// </summary>
    private sealed class Binding : IDisposable
    {
        public Binding(InferenceSession session, OrtValue[] inputs, OrtValue[] outputs, string[] inputNames, string[] outputNames, bool ioBinding,
            int first, int rows)
        {
            Inputs = inputs;
            Outputs = outputs;
            First = first;
            Rows = rows;
            if (!ioBinding)
                return;
            Io = session.CreateIoBinding();
            for (int i = 0; i < inputs.Length; i++)
                Io.BindInput(inputNames[i], inputs[i]);
            for (int i = 0; i < outputs.Length; i++)
                Io.BindOutput(outputNames[i], outputs[i]);
        }

        public OrtValue[] Inputs { get; }

        public int First { get; }

        public int Rows { get; }

        public OrtValue[] Outputs { get; }

        public OrtIoBinding? Io { get; }

        public void Dispose()
        {
            Io?.Dispose();
            foreach (var v in Inputs) v.Dispose();
            foreach (var v in Outputs) v.Dispose();
        }
    }
}
