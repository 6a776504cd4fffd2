import streamlit as st

st.title("Style Transfer")
st.info("Coming soon.")
