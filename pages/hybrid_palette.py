import streamlit as st

st.title("Hybrid Palette")
st.info("Coming soon.")
